# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest
import requests

from ansible_collections.acreto.platform.plugins.module_utils._bulk import Throttle
from ansible_collections.acreto.platform.plugins.modules import acreto_things

from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    CAMERAS, CUSTOMER, DEVICES, ECO_PATH, GROUP, ZERO_EXPIRY, options, thing,
)

ECO = "Documentation Ecosystem"
CAM1 = thing("cam-01", "c86c8910-1770-818b-a0c8-cf9d91201001")
CAM2 = thing("cam-02", "c86c8910-1770-818b-a0c8-cf9d91201002", category="Camera", assetValue=2)
CAM3 = thing("cam-03", "c86c8910-1770-818b-a0c8-cf9d91201003", profileGroup=CAMERAS["uuid"])


def path(obj):
    return DEVICES + "/" + obj["uuid"]


def body(obj):
    return {k: v for k, v in obj.items() if k != "uuid"}


def run_things(run, **args):
    return run(acreto_things.main, ecosystem=ECO, **args)


# --- merged ---------------------------------------------------------------------------


def test_merged_lists_once_and_writes_only_what_differs(api, run):
    api.standard(CAM1, CAM2)
    api.add("PUT", path(CAM2), dict(CAM2, assetValue=5))
    created = thing("cam-04", "c86c8910-1770-818b-a0c8-cf9d91201004")
    api.add("POST", DEVICES, created, status=201)

    result = run_things(run, config=[
        {"name": "cam-01", "asset_value": 1},
        {"name": "cam-02", "asset_value": 5},
        {"name": "cam-04", "profile_group": "Profile Group 1", "category": "IoT", "asset_value": 1},
    ])

    assert result["changed"] is True
    assert [s[:2] for s in api.sent()].count(("GET", DEVICES)) == 1
    assert sorted(api.writes(), key=lambda w: w[0]) == [
        ("POST", DEVICES, body(created)),
        ("PUT", path(CAM2), dict(body(CAM2), assetValue=5)),
    ]
    assert result["summary"] == {"created": 1, "updated": 1, "deleted": 0, "unchanged": 1, "absent": 0, "failed": 0}
    assert sorted(result["commands"], key=lambda c: c["name"]) == [
        {"action": "update", "name": "cam-02", "uuid": CAM2["uuid"], "changes": {"asset_value": 5}},
        {"action": "create", "name": "cam-04", "uuid": created["uuid"],
         "changes": {k: v for k, v in options(created).items() if k != "uuid"}},
    ]
    assert result["before"] == [options(CAM1), options(CAM2)]
    assert result["after"] == [options(CAM1), options(dict(CAM2, assetValue=5)), options(created)]
    assert result["ecosystem_status_before"] == "ok"


def test_a_second_run_as_wanted_makes_no_write(api, run):
    api.standard(CAM1, CAM2)

    result = run_things(run, config=[{"name": "cam-01", "profile_group": GROUP["uuid"].upper(), "asset_value": 1},
                                     {"name": "cam-02", "category": "Camera"}])

    assert result["changed"] is False
    assert result["commands"] == []
    assert result["summary"]["unchanged"] == 2
    assert result["before"] == [options(CAM1), options(CAM2)]
    assert "after" not in result
    # a profile group given by uuid is looked up only before a write: this run lists no groups
    assert [s[:2] for s in api.sent()] == [("POST", "/auth/login"), ("GET", "/customers/%s/ecosystems" % CUSTOMER["uuid"]),
                                           ("GET", DEVICES)]


def test_a_group_uuid_of_no_group_fails_before_the_first_write_even_beside_unchanged_entries(api, run):
    api.standard(CAM1)
    unknown = "00000000-0000-4000-8000-000000000000"

    result = run_things(run, config=[{"name": "cam-01", "profile_group": GROUP["uuid"]},
                                     {"name": "cam-05", "profile_group": CAMERAS["uuid"]},
                                     {"name": "cam-06", "profile_group": unknown}])

    assert result["msg"] == ("Profile group '%s' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1', "
                             "'Cameras')." % unknown)
    assert api.writes() == []
    assert [s[:2] for s in api.sent()].count(("GET", ECO_PATH + "/groups")) == 1


def test_check_mode_writes_nothing_and_reports_what_would_change(api, run):
    api.standard(CAM1, CAM2)

    result = run_things(run, _ansible_check_mode=True, _ansible_diff=True, config=[
        {"name": "cam-01", "asset_value": 3},
        {"name": "cam-09", "profile_group": "Cameras"},
    ])

    assert result["changed"] is True
    assert api.writes() == []
    assert result["summary"] == {"created": 1, "updated": 1, "deleted": 0, "unchanged": 0, "absent": 0, "failed": 0}
    assert result["commands"][1]["uuid"] is None
    assert result["after"][-1] == {"name": "cam-09", "uuid": None, "profile_group": CAMERAS["uuid"], "type": "device",
                                   "category": "", "asset_value": 0, "expiry": ZERO_EXPIRY}
    assert result["diff"]["before"] == {"cam-01": options(CAM1)}
    assert result["diff"]["after"]["cam-01"] == options(dict(CAM1, assetValue=3))
    assert result["diff"]["prepared"] == ("created 1, updated 1, deleted 0, unchanged 0, absent 0, failed 0\n"
                                          "~ cam-01: asset_value 1 -> 3\n+ cam-09\n")


def test_rename_by_uuid(api, run):
    api.standard(CAM1)
    api.add("PUT", path(CAM1), dict(CAM1, name="lobby"))

    result = run_things(run, config=[{"uuid": CAM1["uuid"].upper(), "name": "lobby"}])

    assert api.writes() == [("PUT", path(CAM1), dict(body(CAM1), name="lobby"))]
    assert result["commands"] == [{"action": "update", "name": "cam-01", "uuid": CAM1["uuid"], "changes": {"name": "lobby"}}]


# --- input errors: found before any write ---------------------------------------------


def test_names_listed_twice_fail_before_any_request(api, run):
    result = run_things(run, config=[{"name": "cam-01"}, {"name": "cam-02"}, {"name": "cam-01"}])

    assert result["failed"] is True
    assert result["msg"] == "Thing name 'cam-01' appears 2 times in config (config[0], config[2]); each thing must be listed once."
    assert api.sent() == []


def test_a_bad_item_is_named_by_its_position(api, run):
    result = run_things(run, config=[{"name": "cam-01"}, {"name": "cam-02", "asset_value": -1}])

    assert result["msg"] == "config[1] (cam-02): asset_value must be 0 or greater, got -1."
    assert api.sent() == []


def test_an_item_without_name_or_uuid_fails(api, run):
    result = run_things(run, config=[{"category": "IoT"}])

    assert result["msg"] == "config[0]: name or uuid is required."


def test_parallelism_is_bounded(api, run):
    result = run_things(run, config=[], parallelism=0)

    assert result["msg"] == "parallelism must be between 1 and 32, got 0."


def test_profile_group_is_refused_where_it_means_nothing(api, run):
    result = run_things(run, config=[], profile_group="Cameras")

    assert result["msg"] == "profile_group applies to state=overridden and state=gathered only, not to state=merged."


def test_things_sharing_a_name_in_the_ecosystem_fail_before_any_write(api, run):
    twin = thing("cam-01", "c86c8910-1770-818b-a0c8-cf9d91201099")
    api.standard(CAM1, twin, CAM2)

    result = run_things(run, config=[{"name": "cam-02", "asset_value": 9}, {"name": "cam-01", "asset_value": 9}])

    assert result["msg"] == ("2 things named 'cam-01' in ecosystem 'Documentation Ecosystem' (uuids: %s, %s); "
                             "pass uuid to pick one." % (CAM1["uuid"], twin["uuid"]))
    assert api.writes() == []


def test_a_create_without_profile_group_fails_before_any_write(api, run):
    api.standard(CAM1)

    result = run_things(run, config=[{"name": "cam-01", "asset_value": 7}, {"name": "cam-05"}])

    assert result["msg"] == "config[1] (cam-05): profile_group is required to create thing 'cam-05', which does not exist yet."
    assert api.writes() == []


def test_an_unknown_uuid_fails_before_any_write(api, run):
    api.standard(CAM1)

    result = run_things(run, config=[{"name": "cam-01", "asset_value": 7}, {"uuid": CAM2["uuid"], "name": "x"}])

    assert result["msg"] == ("config[1] (x): No thing with uuid '%s' in ecosystem 'Documentation Ecosystem'; "
                             "leave uuid out to create one by name." % CAM2["uuid"])
    assert api.writes() == []


# --- partial failure and uncertain creates --------------------------------------------


def test_a_failed_write_does_not_stop_the_others_and_fails_the_task(api, run):
    api.standard(CAM1, CAM2)
    api.add("PUT", path(CAM1), {"code": 400, "message": "category too long"}, status=400)
    api.add("PUT", path(CAM2), dict(CAM2, category="x"))

    result = run_things(run, config=[{"name": "cam-01", "category": "x"}, {"name": "cam-02", "category": "x"}])

    assert result["failed"] is True
    assert result["changed"] is True
    assert len(api.writes()) == 2
    assert result["msg"] == ("1 of 2 writes failed: Updating thing 'cam-01' failed: PUT %s returned 400: category too long"
                             % path(CAM1))
    assert result["failures"] == [{"action": "update", "name": "cam-01", "uuid": CAM1["uuid"], "changes": {"category": "x"},
                                   "msg": result["msg"][len("1 of 2 writes failed: "):], "status": 400,
                                   "api_error": {"code": 400, "message": "category too long"}}]
    assert result["summary"] == {"created": 0, "updated": 1, "deleted": 0, "unchanged": 0, "absent": 0, "failed": 1}
    assert result["after"] == [options(CAM1), options(dict(CAM2, category="x"))]


def test_an_uncertain_create_is_read_back_instead_of_posted_again(api, run):
    api.standard(CAM1)
    api.add("POST", DEVICES, body=requests.ConnectionError("connection reset by peer"))
    created = thing("cam-05", "c86c8910-1770-818b-a0c8-cf9d91201005")
    api.devices(CAM1, created)

    result = run_things(run, config=[{"name": "cam-05", "profile_group": "Profile Group 1"}])

    assert result["changed"] is True
    assert [w[0] for w in api.writes()] == ["POST"]
    assert result["commands"][0]["uuid"] == created["uuid"]


def test_an_uncertain_create_that_did_not_happen_is_posted_once_more(api, run):
    api.standard(CAM1)
    api.add("POST", DEVICES, body=requests.ConnectionError("connection reset by peer"))
    created = thing("cam-05", "c86c8910-1770-818b-a0c8-cf9d91201005")
    api.devices(CAM1)
    api.add("POST", DEVICES, created, status=201)

    result = run_things(run, config=[{"name": "cam-05", "profile_group": "Profile Group 1"}])

    assert [w[0] for w in api.writes()] == ["POST", "POST"]
    assert result["after"][-1]["uuid"] == created["uuid"]


# --- replaced, overridden, deleted, gathered ------------------------------------------


def test_replaced_resets_the_fields_not_given(api, run):
    current = dict(CAM2, expiry={"time": "2030-01-31T12:00:00.000Z", "type": "date"})
    api.standard(current)
    api.add("PUT", path(CAM2), None)

    result = run_things(run, state="replaced", config=[{"name": "cam-02", "profile_group": "Profile Group 1", "category": "Camera"}])

    wanted = {"name": "cam-02", "profileGroup": GROUP["uuid"], "type": "device", "category": "Camera", "assetValue": 0,
              "expiry": ZERO_EXPIRY}
    assert api.writes() == [("PUT", path(CAM2), wanted)]
    assert result["commands"][0]["changes"] == {"asset_value": 0, "expiry": ZERO_EXPIRY}


def test_replaced_needs_the_profile_group(api, run):
    api.standard(CAM2)

    result = run_things(run, state="replaced", config=[{"name": "cam-02", "category": "Camera"}])

    assert result["msg"] == ("config[0] (cam-02): profile_group is required with state=replaced, because thing 'cam-02' "
                             "is replaced as a whole.")


def test_overridden_deletes_the_things_not_listed_within_the_scope(api, run):
    api.standard(CAM1, CAM2, CAM3)
    api.add("DELETE", path(CAM2))

    result = run_things(run, state="overridden", profile_group="Profile Group 1",
                        config=[{"name": "cam-01", "profile_group": "Profile Group 1", "category": "IoT", "asset_value": 1}])

    assert api.writes() == [("DELETE", path(CAM2), None)]
    assert result["summary"] == {"created": 0, "updated": 0, "deleted": 1, "unchanged": 1, "absent": 0, "failed": 0}
    assert [t["name"] for t in result["after"]] == ["cam-01", "cam-03"]


def test_overridden_without_scope_deletes_every_other_thing(api, run):
    api.standard(CAM1, CAM2, CAM3)
    api.add("DELETE", path(CAM2))
    api.add("DELETE", path(CAM3))

    result = run_things(run, state="overridden", config=[{"name": "cam-01", "profile_group": GROUP["uuid"], "category": "IoT",
                                                          "asset_value": 1}])

    assert sorted(api.writes()) == [("DELETE", path(CAM2), None), ("DELETE", path(CAM3), None)]
    assert result["summary"]["deleted"] == 2


def test_deleted_deletes_the_listed_things_that_exist(api, run):
    api.standard(CAM1, CAM2)
    api.add("DELETE", path(CAM1), {"code": 404, "message": "device not found"}, status=404)

    result = run_things(run, state="deleted", config=[{"name": "cam-01"}, {"name": "cam-07"}])

    assert api.writes() == [("DELETE", path(CAM1), None)]
    assert result["changed"] is True
    assert result["commands"] == [{"action": "delete", "name": "cam-01", "uuid": CAM1["uuid"], "changes": {}}]
    assert result["summary"]["unchanged"] == 0
    assert result["summary"]["absent"] == 1


def test_gathered_returns_the_things_in_the_shape_of_config(api, run):
    api.standard(CAM1, CAM3)

    result = run_things(run, state="gathered", profile_group="Cameras", _ansible_check_mode=True)

    assert result["changed"] is False
    assert result["gathered"] == [options(CAM3)]
    assert api.writes() == []


def test_gathered_output_fed_back_changes_nothing(api, run):
    api.standard(CAM1, CAM2, CAM3)

    result = run_things(run, state="overridden", config=[options(CAM1), options(CAM2), options(CAM3)])

    assert result["changed"] is False
    assert api.writes() == []


# --- the ecosystem status and the pool ------------------------------------------------


def test_no_write_while_the_ecosystem_is_in_error(api, run):
    api.standard(CAM1, status="ecosystem_error")

    result = run_things(run, config=[{"name": "cam-01", "asset_value": 4}])

    assert result["msg"] == ("Writing 1 thing: ecosystem 'Documentation Ecosystem' is in status 'ecosystem_error'; "
                             "contact Acreto support.")
    assert api.writes() == []


def test_many_things_are_written_on_the_pool(api, run):
    things = [thing("cam-%03d" % i, "c86c8910-1770-818b-a0c8-cf9d91%06d" % i) for i in range(40)]
    api.standard(*things)
    for obj in things:
        api.add("PUT", path(obj), dict(obj, assetValue=9))

    result = run_things(run, parallelism=8, config=[{"name": obj["name"], "asset_value": 9} for obj in things])

    assert result["summary"]["updated"] == 40
    assert sorted(w[1] for w in api.writes()) == sorted(path(obj) for obj in things)


def test_throttle_bounds_the_writes_in_flight():
    throttle = Throttle(3)
    epochs = [throttle.acquire() for dummy in range(3)]
    fourth = threading.Thread(target=lambda: epochs.append(throttle.acquire()))
    fourth.start()
    fourth.join(0.2)
    assert fourth.is_alive() and len(epochs) == 3  # the fourth write waits for a free slot
    throttle.release(epochs[0], False)
    fourth.join(10)
    assert not fourth.is_alive() and len(epochs) == 4


def test_throttle_halves_once_for_the_writes_in_flight_together_and_climbs_back_one_by_one():
    throttle = Throttle(16)
    epochs = [throttle.acquire() for dummy in range(16)]
    # the 429s of one burst are seen by every write that was in flight: one halving
    for epoch in epochs[:5]:
        throttle.release(epoch, True)
    assert throttle.limit == 8
    for epoch in epochs[5:]:
        throttle.release(epoch, False)
    # a 429 after that halving, on a write that started after it, halves again, down to 1 and never below
    for expected in (4, 2, 1, 1):
        throttle.release(throttle.acquire(), True)
        assert throttle.limit == expected
    # each `limit` writes in a row without a 429 raise the limit by one
    climbed = []
    while throttle.limit < 16:
        throttle.release(throttle.acquire(), False)
        climbed.append(throttle.limit)
    assert climbed[:6] == [2, 2, 3, 3, 3, 4]
    assert len(climbed) == sum(range(1, 16))
    throttle.release(throttle.acquire(), False)
    assert throttle.limit == 16  # the ceiling: the parallelism asked for


def test_a_429_during_the_writes_slows_them_down_and_every_write_is_made(api, run):
    things = [thing("cam-%03d" % i, "c86c8910-1770-818b-a0c8-cf9d91%06d" % i) for i in range(12)]
    api.standard(*things)
    api.add("PUT", path(things[0]), {"code": 429, "message": "slow down"}, status=429, headers={"Retry-After": "0"})
    for obj in things:
        api.add("PUT", path(obj), dict(obj, assetValue=9))

    result = run_things(run, parallelism=4, config=[{"name": obj["name"], "asset_value": 9} for obj in things])

    assert result["summary"] == {"created": 0, "updated": 12, "deleted": 0, "unchanged": 0, "absent": 0, "failed": 0}
    assert [w[1] for w in api.writes()].count(path(things[0])) == 2


def test_the_client_reads_the_environment_once(monkeypatch, tmp_path):
    from ansible_collections.acreto.platform.plugins.module_utils._client import AcretoClient

    bundle = tmp_path / "bundle.pem"
    bundle.write_text("")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))

    client = AcretoClient("https://api.acreto.test/v2", token="t", pool_maxsize=16)

    assert client._session.trust_env is False
    assert client._session.proxies["https"] == "http://proxy.example:3128"
    assert client._verify == str(bundle)
    assert client._session.get_adapter("https://api.acreto.test")._pool_maxsize == 16


# --- one task for present and absent Things -----------------------------------------------


def test_entries_with_state_absent_are_deleted_in_the_same_run(api, run):
    api.standard(CAM1, CAM2)
    api.add("DELETE", path(CAM2), status=204)
    api.add("PUT", path(CAM1), dict(CAM1, assetValue=4))

    result = run_things(run, config=[{"name": "cam-01", "asset_value": 4}, {"name": "cam-02", "state": "absent"},
                                     {"name": "cam-07", "state": "absent"}])

    assert sorted(api.writes(), key=lambda w: w[0]) == [
        ("DELETE", path(CAM2), None),
        ("PUT", path(CAM1), dict(body(CAM1), assetValue=4)),
    ]
    assert result["summary"] == {"created": 0, "updated": 1, "deleted": 1, "unchanged": 0, "absent": 1, "failed": 0}


@pytest.mark.parametrize("second", [{"name": "cam-01", "state": "absent"}, {"uuid": CAM1["uuid"], "state": "absent"},
                                    {"uuid": CAM1["uuid"], "asset_value": 3}])
def test_one_thing_named_by_two_entries_fails_before_any_write_naming_both(api, run, second):
    api.standard(CAM1)

    result = run_things(run, config=[{"name": "cam-01", "profile_group": "Cameras"}, second])

    assert result["failed"] is True
    assert "config[0]" in result["msg"] and "config[1]" in result["msg"], result["msg"]
    assert api.writes() == []


def test_state_present_in_an_entry_contradicts_state_deleted(api, run):
    api.standard(CAM1)

    result = run_things(run, state="deleted", config=[{"name": "cam-01", "state": "present"}])

    assert result["msg"] == ("config[0] (cam-01): state=present contradicts the task's state=deleted, "
                             "which deletes every listed thing.")
    assert api.sent() == []


def test_an_absent_entry_is_not_checked_for_the_fields_of_a_thing(api, run):
    api.standard(CAM1)

    result = run_things(run, config=[{"name": "cam-09", "asset_value": -1, "state": "absent"}])

    assert result["changed"] is False
    assert result["summary"]["absent"] == 1


# --- no two Things with one name ------------------------------------------------------------


def test_a_rename_onto_a_name_that_exists_fails_before_any_write(api, run):
    api.standard(CAM1, CAM2)

    result = run_things(run, config=[{"name": "cam-05", "profile_group": "Cameras"}, {"uuid": CAM1["uuid"], "name": "cam-02"}])

    assert result["msg"] == ("config[1] (cam-02): Renaming thing 'cam-01' to 'cam-02' would give two things of ecosystem "
                             "'Documentation Ecosystem' the name 'cam-02': thing 'cam-02' (uuid %s) already has it." % CAM2["uuid"])
    assert api.writes() == []


def test_a_rename_onto_a_name_that_this_run_frees_still_fails(api, run):
    api.standard(CAM1, CAM2)

    result = run_things(run, config=[{"uuid": CAM1["uuid"], "name": "cam-02"}, {"name": "cam-02", "state": "absent"}])

    assert result["msg"].startswith("config[0] (cam-02): Renaming thing 'cam-01' to 'cam-02' would give two things")
    assert api.writes() == []


def test_a_rename_onto_a_name_that_another_entry_creates_fails(api, run):
    api.standard(CAM1)

    result = run_things(run, config=[{"name": "cam-05", "profile_group": "Cameras"}, {"uuid": CAM1["uuid"], "name": "cam-05"}])

    assert result["msg"] == ("config[0] and config[1] would give the name 'cam-05' to 2 things; each name must be unique "
                             "in ecosystem 'Documentation Ecosystem'.")
    assert api.writes() == []


def test_two_renames_onto_one_name_fail(api, run):
    api.standard(CAM1, CAM2)

    result = run_things(run, config=[{"uuid": CAM1["uuid"], "name": "lobby"}, {"uuid": CAM2["uuid"], "name": "lobby"}])

    assert result["msg"] == ("config[0] and config[1] would give the name 'lobby' to 2 things; each name must be unique "
                             "in ecosystem 'Documentation Ecosystem'.")
    assert api.writes() == []
