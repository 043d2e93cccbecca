# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.acreto.platform.plugins.modules import acreto_thing

from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    CAMERAS, CUSTOMER, DEVICES, DOC_ECO, ECO_PATH, GROUP, ZERO_EXPIRY, ecosystem, options, thing,
)

ECO = "Documentation Ecosystem"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
TWIN_A = "aaaaaaaa-0000-4000-8000-000000000001"
TWIN_B = "aaaaaaaa-0000-4000-8000-000000000002"
CAM = thing()
CAM_PATH = DEVICES + "/" + CAM["uuid"]


def managed(obj):
    return {k: v for k, v in obj.items() if k != "uuid"}


# --- create ---------------------------------------------------------------------------


def test_create_sends_one_post_with_the_whole_object(api, run):
    api.standard()
    created = thing(category="IoT", assetValue=1)
    api.add("POST", DEVICES, created, status=201)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", category="IoT", asset_value=1, profile_group="Profile Group 1")

    assert result["changed"] is True
    assert result["thing"] == created
    assert result["ecosystem_status_before"] == "ok"
    assert result["diff"] == {"before": {}, "after": options(managed(created)), "prepared": "+ cam-01\n"}
    assert api.writes() == [("POST", DEVICES, managed(created))]


def test_create_in_check_mode_writes_nothing_and_returns_the_object_without_uuid(api, run):
    api.standard()

    result = run(acreto_thing.main, _ansible_check_mode=True, ecosystem=ECO, name="cam-01", profile_group=CAMERAS["uuid"])

    assert result["changed"] is True
    assert result["thing"] == {"assetValue": 0, "category": "", "expiry": ZERO_EXPIRY, "name": "cam-01",
                               "profileGroup": CAMERAS["uuid"], "type": "device"}
    assert result["diff"]["after"] == options(result["thing"])
    assert api.writes() == []


def test_create_without_profile_group_fails_before_writing(api, run):
    api.standard()

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01")

    assert result["failed"] is True
    assert result["msg"] == "profile_group is required to create thing 'cam-01', which does not exist yet."
    assert api.writes() == []


def test_create_reports_the_api_error_in_one_line(api, run):
    api.standard()
    api.add("POST", DEVICES, {"code": 400, "message": "profileGroup not found"}, status=400)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", profile_group="Profile Group 1")

    assert result["msg"] == "Creating thing 'cam-01' failed: POST %s returned 400: profileGroup not found" % DEVICES
    assert result["status"] == 400
    assert result["api_error"] == {"code": 400, "message": "profileGroup not found"}


def test_uncertain_create_finds_the_thing_instead_of_posting_again(api, run):
    api.login()
    api.ecosystems()
    api.groups()
    api.devices()
    api.add("POST", DEVICES, {"code": 502, "message": "bad gateway"}, status=500)
    api.devices(CAM)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", category="IoT", asset_value=1, profile_group="Profile Group 1")

    assert result["changed"] is True
    assert result["thing"] == CAM
    assert [m for m, path, body in api.sent()].count("POST") == 2  # the login and one create
    assert len(api.writes()) == 1


def test_uncertain_create_that_did_not_happen_is_posted_once_more(api, run):
    api.standard()
    api.add("POST", DEVICES, body=requests.ConnectionError("connection reset by peer"))
    api.add("POST", DEVICES, CAM, status=201)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", profile_group="Profile Group 1")

    assert result["changed"] is True
    assert result["thing"] == CAM
    assert [w[0] for w in api.writes()] == ["POST", "POST"]
    assert [s[:2] for s in api.sent()].count(("GET", DEVICES)) == 2


def test_uncertain_creates_are_looked_for_and_sent_again_with_backoff_until_one_works(api, run, clock):
    api.standard()
    for dummy in range(3):
        api.add("POST", DEVICES, {"code": 503, "message": "busy"}, status=503)
    api.add("POST", DEVICES, CAM, status=201)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", profile_group="Profile Group 1")

    assert result["changed"] is True
    assert result["thing"] == CAM
    assert [w[0] for w in api.writes()] == ["POST"] * 4
    # before each new try, the list is read again: once to find nothing, then once per uncertain POST
    assert [s[:2] for s in api.sent()].count(("GET", DEVICES)) == 4
    assert len(clock.sleeps) == 3
    assert clock.sleeps[0] < clock.sleeps[2]


def test_uncertain_creates_give_up_after_the_client_retries(api, run, clock):
    api.standard()
    api.add("POST", DEVICES, {"code": 503, "message": "busy"}, status=503)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", profile_group="Profile Group 1")

    assert result["failed"] is True
    assert result["msg"] == "Creating thing 'cam-01' failed: POST %s returned 503: busy" % DEVICES
    assert result["status"] == 503
    assert [w[0] for w in api.writes()] == ["POST"] * 6  # the first try and 5 more: the client's retries


def test_a_create_refused_by_the_api_is_not_tried_again(api, run):
    api.standard()
    api.add("POST", DEVICES, {"code": 400, "message": "name: field required"}, status=400)

    run(acreto_thing.main, ecosystem=ECO, name="cam-01", profile_group="Profile Group 1")

    assert len(api.writes()) == 1


# --- update ---------------------------------------------------------------------------


def test_update_merges_the_options_over_the_current_thing(api, run):
    current = thing(category="Camera", expiry={"time": "2030-01-31T12:00:00.000Z", "type": "date"})
    api.standard(current)
    api.add("PUT", CAM_PATH, dict(current, assetValue=3))

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=3)

    assert result["changed"] is True
    assert api.writes() == [("PUT", CAM_PATH, dict(managed(current), assetValue=3))]
    assert result["diff"] == {"before": options(current), "after": options(dict(current, assetValue=3)),
                              "prepared": "~ cam-01: asset_value 1 -> 3\n"}
    assert result["thing"]["assetValue"] == 3


def test_update_of_one_expiry_suboption_keeps_the_other(api, run):
    current = thing(expiry={"time": "2030-01-31T12:00:00.000Z", "type": "date"})
    api.standard(current)
    api.add("PUT", CAM_PATH, current)

    run(acreto_thing.main, ecosystem=ECO, name="cam-01", expiry={"time": "2031-06-30T00:00:00+02:00"})

    assert api.writes()[0][2]["expiry"] == {"time": "2031-06-29T22:00:00.000Z", "type": "date"}


def test_update_in_check_mode_writes_nothing_and_shows_the_diff(api, run):
    api.standard(CAM)

    result = run(acreto_thing.main, _ansible_check_mode=True, _ansible_diff=True, ecosystem=ECO, name="cam-01",
                 category="Camera", profile_group="Cameras")

    assert result["changed"] is True
    assert result["diff"]["before"] == options(CAM)
    assert result["diff"]["after"] == options(dict(CAM, category="Camera", profileGroup=CAMERAS["uuid"]))
    assert result["diff"]["prepared"] == "~ cam-01: category 'IoT' -> 'Camera', profile_group '%s' -> '%s'\n" % (
        GROUP["uuid"], CAMERAS["uuid"])
    assert result["thing"]["uuid"] == CAM["uuid"]
    assert api.writes() == []


def test_a_thing_as_wanted_gets_no_write(api, run):
    api.standard(thing(expiry={"time": "2030-01-31T12:00:00.000Z", "type": "date"}))

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", type="device", category="IoT", asset_value=1,
                 profile_group="Profile Group 1", expiry={"time": "2030-01-31T13:00:00+01:00", "type": "date"})

    assert result["changed"] is False
    assert "diff" not in result
    assert api.writes() == []


def test_rename_by_uuid(api, run):
    api.login()
    api.ecosystems()
    api.add("GET", CAM_PATH, CAM)
    api.devices(CAM, thing("printer", TWIN_A))
    api.add("PUT", CAM_PATH, dict(CAM, name="lobby-camera"))

    result = run(acreto_thing.main, ecosystem=ECO, uuid=CAM["uuid"].upper(), name="lobby-camera")

    assert result["changed"] is True
    assert api.writes() == [("PUT", CAM_PATH, dict(managed(CAM), name="lobby-camera"))]
    # a rename lists the Things once, to make sure that the new name is free
    assert [s[:2] for s in api.sent()].count(("GET", DEVICES)) == 1


def test_a_rename_onto_a_name_that_another_thing_has_fails_before_writing(api, run):
    api.login()
    api.ecosystems()
    api.add("GET", CAM_PATH, CAM)
    api.devices(CAM, thing("printer", TWIN_A))

    result = run(acreto_thing.main, ecosystem=ECO, uuid=CAM["uuid"], name="printer")

    assert result["failed"] is True
    assert result["msg"] == ("Renaming thing 'cam-01' to 'printer' would give two things of ecosystem "
                             "'Documentation Ecosystem' the name 'printer': thing 'printer' (uuid %s) already has it." % TWIN_A)
    assert api.writes() == []


def test_an_update_that_keeps_the_name_does_not_list_the_things(api, run):
    api.login()
    api.ecosystems()
    api.groups()
    api.add("GET", CAM_PATH, CAM)
    api.add("PUT", CAM_PATH, dict(CAM, assetValue=4))

    result = run(acreto_thing.main, ecosystem=ECO, uuid=CAM["uuid"], name=CAM["name"], asset_value=4)

    assert result["changed"] is True
    assert ("GET", DEVICES, None) not in api.sent()


def test_unknown_uuid_is_an_error_when_present(api, run):
    api.login()
    api.ecosystems()
    api.add("GET", CAM_PATH, {"code": 404, "message": "device not found"}, status=404)

    result = run(acreto_thing.main, ecosystem=ECO, uuid=CAM["uuid"], name="cam-01")

    assert result["msg"] == ("No thing with uuid '%s' in ecosystem 'Documentation Ecosystem'; leave uuid out to create "
                             "one by name." % CAM["uuid"])


def test_two_things_with_the_same_name_fail_listing_their_uuids(api, run):
    other = thing(uuid="11111111-2222-3333-4444-555555555555")
    api.standard(CAM, other)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=5)

    assert result["msg"] == ("2 things named 'cam-01' in ecosystem 'Documentation Ecosystem' (uuids: %s, %s); "
                             "pass uuid to pick one." % (CAM["uuid"], other["uuid"]))
    assert api.writes() == []


def test_update_refused_because_a_commit_just_started_waits_and_is_sent_again(api, run, clock):
    api.standard(CAM)
    api.add("PUT", CAM_PATH, {"code": 409, "message": "commit in progress"}, status=409)
    api.add("PUT", CAM_PATH, dict(CAM, assetValue=2))
    api.ecosystem_reads("commit_in_progress", "ok")

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=2)

    assert result["changed"] is True
    assert result["thing"]["assetValue"] == 2
    assert clock.sleeps == [0.5]
    assert api.writes() == [("PUT", CAM_PATH, dict(managed(CAM), assetValue=2))] * 2


def test_update_refused_with_409_for_another_reason_fails(api, run):
    api.standard(CAM)
    api.add("PUT", CAM_PATH, {"code": 409, "message": "ecosystem in error"}, status=409)
    api.ecosystem_reads("ecosystem_error")

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=2)

    assert result["msg"] == "Updating thing 'cam-01' failed: PUT %s returned 409: ecosystem in error" % CAM_PATH
    assert len(api.writes()) == 1


# --- delete ---------------------------------------------------------------------------


def test_delete(api, run):
    api.standard(CAM)
    api.add("DELETE", CAM_PATH, status=204)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", state="absent")

    assert result["changed"] is True
    assert result["thing"] == {}
    assert result["diff"] == {"before": options(CAM), "after": {}, "prepared": "- cam-01\n"}
    assert api.writes() == [("DELETE", CAM_PATH, None)]


def test_delete_answered_404_means_gone(api, run):
    api.standard(CAM)
    api.add("DELETE", CAM_PATH, {"code": 404, "message": "device not found"}, status=404)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", state="absent")

    assert result["changed"] is True
    assert result.get("failed") is not True


def test_delete_in_check_mode_writes_nothing(api, run):
    api.standard(CAM)

    result = run(acreto_thing.main, _ansible_check_mode=True, ecosystem=ECO, name="cam-01", state="absent")

    assert result["changed"] is True
    assert api.writes() == []


def test_absent_thing_stays_absent_without_a_write(api, run):
    api.standard(thing(name="other"))

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", state="absent")

    assert result["changed"] is False
    assert result["thing"] == {}
    assert api.writes() == []


# --- the ecosystem status guard -------------------------------------------------------


def test_write_waits_while_a_commit_is_in_progress(api, run, clock):
    api.standard(CAM, status="commit_in_progress")
    api.ecosystem_reads("commit_in_progress", "commit_in_progress", "ok")
    api.add("PUT", CAM_PATH, dict(CAM, assetValue=9))

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=9)

    assert result["changed"] is True
    assert result["ecosystem_status_before"] == "ok"
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert api.writes() == [("PUT", CAM_PATH, dict(managed(CAM), assetValue=9))]


def test_write_fails_when_the_commit_outlasts_ecosystem_wait_timeout(api, run, clock):
    api.standard(CAM, status="commit_in_progress")
    api.ecosystem_reads("commit_in_progress")

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=9, ecosystem_wait_timeout=10)

    assert result["msg"] == ("Updating thing 'cam-01': ecosystem 'Documentation Ecosystem' was still 'commit_in_progress' "
                             "after 10 s (ecosystem_wait_timeout); try again later.")
    assert sum(clock.sleeps) == 10
    assert api.writes() == []


def test_check_mode_does_not_wait_for_a_commit(api, run, clock):
    api.standard(CAM, status="commit_in_progress")

    result = run(acreto_thing.main, _ansible_check_mode=True, ecosystem=ECO, name="cam-01", asset_value=9)

    assert result["changed"] is True
    assert result["ecosystem_status_before"] == "commit_in_progress"
    assert clock.sleeps == []


@pytest.mark.parametrize("status, msg", [
    ("ecosystem_error", "Updating thing 'cam-01': ecosystem 'Documentation Ecosystem' is in status 'ecosystem_error'; "
                        "contact Acreto support."),
    ("frozen", "Updating thing 'cam-01': ecosystem 'Documentation Ecosystem' has status 'frozen', which is not one of "
               "ok, pending_changes, commit_in_progress, ecosystem_error."),
])
def test_write_refused_on_a_bad_ecosystem_status(api, run, status, msg):
    api.standard(CAM, status=status)

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", asset_value=9)

    assert result["msg"] == msg
    assert api.writes() == []


def test_no_write_needs_no_writable_ecosystem(api, run):
    api.standard(CAM, status="ecosystem_error")

    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01")

    assert result["changed"] is False
    assert result["ecosystem_status_before"] == "ecosystem_error"


# --- lookups --------------------------------------------------------------------------


def test_ecosystem_and_group_by_uuid_cost_no_list_and_pending_status_is_reported(api, run):
    api.login()
    api.ecosystem_reads("pending_changes")
    api.devices()
    api.add("POST", DEVICES, CAM, status=201)

    result = run(acreto_thing.main, customer=CUSTOMER["uuid"], ecosystem=DOC_ECO.upper(), name="cam-01",
                 profile_group=GROUP["uuid"].upper())

    assert result["changed"] is True
    assert result["ecosystem_status_before"] == "pending_changes"
    # the ecosystem is read alone, and the API checks the profile group on the write
    assert [s[:2] for s in api.sent()] == [("POST", "/auth/login"), ("GET", ECO_PATH), ("GET", DEVICES), ("POST", DEVICES)]
    assert api.writes()[0][2]["profileGroup"] == GROUP["uuid"]


def test_a_write_refused_for_a_group_uuid_of_no_group_fails_naming_the_group(api, run):
    api.login()
    api.ecosystem_reads("ok")
    api.devices()
    api.add("POST", DEVICES, {"code": 400, "message": "profileGroup: no such profile group in this ecosystem"}, status=400)
    api.groups()

    result = run(acreto_thing.main, customer=CUSTOMER["uuid"], ecosystem=DOC_ECO, name="cam-01", profile_group=UNKNOWN)

    assert result["failed"] is True
    assert result["msg"] == ("Profile group '%s' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1', "
                             "'Cameras')." % UNKNOWN)
    # the one write was refused as a whole; the groups were listed only to say so
    assert [s[:2] for s in api.sent()][-2:] == [("POST", DEVICES), ("GET", ECO_PATH + "/groups")]
    assert len(api.writes()) == 1


def test_a_write_refused_for_another_reason_keeps_the_api_message(api, run):
    api.login()
    api.ecosystem_reads("ok")
    api.devices(CAM)
    api.add("PUT", CAM_PATH, {"code": 400, "message": "category: too long"}, status=400)
    api.groups()

    result = run(acreto_thing.main, customer=CUSTOMER["uuid"], ecosystem=DOC_ECO, name="cam-01",
                 profile_group=CAMERAS["uuid"], category="x" * 300)

    assert result["msg"] == "Updating thing 'cam-01' failed: PUT %s returned 400: category: too long" % CAM_PATH
    assert result["status"] == 400


def test_check_mode_looks_a_group_uuid_up_as_no_write_would_check_it(api, run):
    api.login()
    api.ecosystem_reads("ok")
    api.devices()
    api.groups()

    result = run(acreto_thing.main, _ansible_check_mode=True, customer=CUSTOMER["uuid"], ecosystem=DOC_ECO, name="cam-01",
                 profile_group=UNKNOWN)

    assert result["msg"] == ("Profile group '%s' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1', "
                             "'Cameras')." % UNKNOWN)
    assert api.writes() == []


def test_an_ecosystem_uuid_of_no_ecosystem_lists_them_to_name_those_that_exist(api, run):
    api.login()
    api.add("GET", "/customers/%s/ecosystems/%s" % (CUSTOMER["uuid"], UNKNOWN), {"code": 404, "message": "not found"}, status=404)
    api.ecosystems()

    result = run(acreto_thing.main, ecosystem=UNKNOWN, name="cam-01")

    assert result["msg"] == ("Ecosystem '%s' not found for customer 'Documentation' (found: 'Documentation Ecosystem', "
                             "'Lab Ecosystem')." % UNKNOWN)
    assert api.writes() == []


@pytest.mark.parametrize("args, msg", [
    (dict(ecosystem="Nope"), "Ecosystem 'Nope' not found for customer 'Documentation' (found: 'Documentation Ecosystem', "
                             "'Lab Ecosystem')."),
    (dict(ecosystem=ECO, profile_group="Printers"), "Profile group 'Printers' not found in ecosystem 'Documentation "
                                                    "Ecosystem' (found: 'Profile Group 1', 'Cameras')."),
    (dict(ecosystem=ECO, customer="Acme"), "Customer 'Acme' not found for user 'someone@somedomain.com' (found: "
                                           "'Documentation')."),
])
def test_unknown_parents_fail_naming_what_exists(api, run, args, msg):
    api.standard()

    result = run(acreto_thing.main, name="cam-01", **args)

    assert result["msg"] == msg
    assert api.writes() == []


def test_ambiguous_ecosystem_name(api, run):
    api.login()
    api.ecosystems(ecosystem("Twin", TWIN_A), ecosystem("Twin", TWIN_B))

    result = run(acreto_thing.main, ecosystem="Twin", name="cam-01")

    assert result["msg"] == ("2 ecosystems named 'Twin' for customer 'Documentation' (uuids: %s, %s); pass the uuid to "
                             "pick one." % (TWIN_A, TWIN_B))


def test_expiry_given_as_a_string_names_the_option(api, run):
    result = run(acreto_thing.main, ecosystem=ECO, name="cam-01", expiry="2030-01-01T00:00:00Z")

    assert result["failed"] is True
    assert result["msg"] == ("argument 'expiry' is of type str and we were unable to convert to dict: "
                             "dictionary requested, could not parse JSON or key=value")
    assert api.sent() == []


def test_a_string_for_a_list_of_dicts_names_the_option(api, run, monkeypatch):
    # no module of the collection is needed: any AcretoModule with such an option will do
    from ansible_collections.acreto.platform.plugins.module_utils._module import ECOSYSTEM_ARGS, AcretoModule

    def main():
        AcretoModule(argument_spec=dict(ECOSYSTEM_ARGS, items=dict(type="list", elements="dict", options=dict(name=dict(type="str")))))

    result = run(main, ecosystem=ECO, items="a,b")

    assert result["msg"] == ("Elements value for option 'items' is of type str and we were unable to convert to dict: "
                             "dictionary requested, could not parse JSON or key=value")
    assert api.sent() == []
