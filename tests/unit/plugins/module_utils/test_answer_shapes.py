# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Answers that do not look like the API document: reads whose shape is checked, lists answered page by page,
and the fields of a newer API that a replacing write keeps."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import types

import pytest
import responses

from ansible_collections.acreto.platform.plugins.module_utils import _client
from ansible_collections.acreto.platform.plugins.module_utils._client import AcretoClient
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoError
from ansible_collections.acreto.platform.plugins.module_utils._scope import AcretoScope
from ansible_collections.acreto.platform.plugins.module_utils._thing import Thing
from ansible_collections.acreto.platform.tests.unit.plugins.module_utils.test_client import calls

ENDPOINT = "https://api.example.test/v2"
CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
ECOSYSTEM = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
GROUP = "06f93ee9-3153-3111-8150-01b3d5389106"
ECOSYSTEMS = "customers/%s/ecosystems" % CUSTOMER
DEVICES = "%s/%s/devices" % (ECOSYSTEMS, ECOSYSTEM)
THING = {"assetValue": 1, "category": "IoT", "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""},
         "name": "cam-01", "profileGroup": GROUP, "type": "device", "uuid": "c86c8910-1770-818b-a0c8-cf9d91201255"}
ECO = {"name": "Lab", "uuid": ECOSYSTEM, "status": "ok"}
LOGIN = {"accessToken": "tok-1", "customers": [{"name": "Documentation", "uuid": CUSTOMER}]}


def url(path):
    return ENDPOINT + "/" + path


def make_client(**kwargs):
    options = dict(token="tok-0", retries=1, backoff_factor=0.001, backoff_max=0.005)
    options.update(kwargs)
    return AcretoClient(ENDPOINT, **options)


def failure(call):
    with pytest.raises(AcretoError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# --- one list -------------------------------------------------------------------------------------

LIST_SHAPES = [
    ("wrapper object", dict(json={"data": [THING], "total": 1}),
     "GET /%s returned 200 with an object where a list of Things was expected (keys: data, total)" % DEVICES),
    ("null", dict(body="null", content_type="application/json"), "GET /%s returned 200 with null where a list of Things was expected" % DEVICES),
    ("empty body", dict(body=""), "GET /%s returned 200 with an empty body where a list of Things was expected" % DEVICES),
    ("empty object", dict(json={}), "GET /%s returned 200 with an empty object where a list of Things was expected" % DEVICES),
    ("a string", dict(json="cam-01"), "GET /%s returned 200 with a string where a list of Things was expected" % DEVICES),
    ("list of strings", dict(json=["cam-01"]),
     "GET /%s returned 200 with a string where a Thing (an object with uuid and name) was expected (item 0)" % DEVICES),
    ("list of lists", dict(json=[THING, []]),
     "GET /%s returned 200 with a list where a Thing (an object with uuid and name) was expected (item 1)" % DEVICES),
    ("no uuid", dict(json=[{"name": "cam-01"}]), "GET /%s returned 200 with a Thing without uuid (item 0)" % DEVICES),
    ("numeric uuid", dict(json=[dict(THING, uuid=7)]), "GET /%s returned 200 with a Thing without uuid (item 0)" % DEVICES),
    ("empty name", dict(json=[THING, dict(THING, name=" ")]), "GET /%s returned 200 with a Thing without name (item 1)" % DEVICES),
    ("neither", dict(json=[{"id": 3}]), "GET /%s returned 200 with a Thing without uuid and name (item 0)" % DEVICES),
    ("truncated JSON", dict(body='[{"uuid": "c8', content_type="application/json"),
     "GET /%s returned a response that is not JSON (status 200, application/json): [{\"uuid\": \"c8" % DEVICES),
    ("HTML page", dict(body="<html><head><title>Sign in - Portal</title></head><body>x</body></html>", content_type="text/html"),
     "GET /%s returned a response that is not JSON (status 200, text/html): Sign in - Portal" % DEVICES),
]


@pytest.mark.parametrize("shape, answer, message", LIST_SHAPES, ids=[shape[0] for shape in LIST_SHAPES])
def test_a_list_of_another_shape_fails_in_one_line_that_names_the_request(api, shape, answer, message):
    api.get(url(DEVICES), **answer)
    assert failure(lambda: make_client().get_list(DEVICES, "Thing")) == message
    assert calls(api) == [("GET", "/" + DEVICES)]


def test_an_ecosystem_needs_a_status():
    with responses.RequestsMock() as api:
        api.get(url(ECOSYSTEMS), json=[ECO, {"name": "Other", "uuid": GROUP}])
        message = failure(lambda: make_client().get_list(ECOSYSTEMS, "ecosystem", ("uuid", "name", "status")))
    assert message == "GET /%s returned 200 with an ecosystem without status (item 1)" % ECOSYSTEMS


def test_a_good_list_is_returned_as_it_came(api):
    api.get(url(DEVICES), json=[THING, dict(THING, uuid=GROUP, name="cam-02", description="new field")])
    assert [thing["name"] for thing in make_client().get_list(DEVICES, "Thing")] == ["cam-01", "cam-02"]
    assert make_client().get_list(DEVICES, "Thing")[1]["description"] == "new field"


# --- pages ----------------------------------------------------------------------------------------

def thing(index):
    return dict(THING, uuid="c86c8910-1770-818b-a0c8-%012d" % index, name="cam-%02d" % index)


def test_pages_are_followed_through_link_headers_relative_and_absolute(api):
    api.get(url(DEVICES), json=[thing(1), thing(2)], headers={"Link": '</v2/%s?page=2>; rel="next"' % DEVICES},
            match=[responses.matchers.query_string_matcher("")])
    api.get(url(DEVICES), json=[thing(3)], headers={"Link": '<%s?page=3>; rel="next", </v2/x>; rel="last"' % url(DEVICES)},
            match=[responses.matchers.query_string_matcher("page=2")])
    api.get(url(DEVICES), json=[thing(4)], match=[responses.matchers.query_string_matcher("page=3")])
    client = make_client()
    assert [item["name"] for item in client.get_list(DEVICES, "Thing")] == ["cam-01", "cam-02", "cam-03", "cam-04"]
    assert calls(api) == [("GET", "/" + DEVICES), ("GET", "/%s?page=2" % DEVICES), ("GET", "/%s?page=3" % DEVICES)]
    assert client.request_count == {"GET": 3}


def test_an_item_of_a_later_page_is_counted_from_the_first(api):
    api.get(url(DEVICES), json=[thing(1), thing(2)], headers={"Link": '<?page=2>; rel="next"'},
            match=[responses.matchers.query_string_matcher("")])
    api.get(url(DEVICES), json=[thing(3), {"name": "no-uuid"}], match=[responses.matchers.query_string_matcher("page=2")])
    message = failure(lambda: make_client().get_list(DEVICES, "Thing"))
    assert message == "GET /%s?page=2 returned 200 with a Thing without uuid (item 3)" % DEVICES


def test_a_page_of_another_shape_fails_like_a_whole_list(api):
    api.get(url(DEVICES), json=[thing(1)], headers={"Link": '<?page=2>; rel="next"'},
            match=[responses.matchers.query_string_matcher("")])
    api.get(url(DEVICES), body="null", content_type="application/json", match=[responses.matchers.query_string_matcher("page=2")])
    message = failure(lambda: make_client().get_list(DEVICES, "Thing"))
    assert message == "GET /%s?page=2 returned 200 with null where a list of Things was expected" % DEVICES


@pytest.mark.parametrize("link", ["https://elsewhere.example.test/v2/%s?page=2" % DEVICES,
                                  "https://api.example.test/v3/%s?page=2" % DEVICES])
def test_a_next_page_outside_the_endpoint_is_not_followed(api, link):
    api.get(url(DEVICES), json=[thing(1)], headers={"Link": '<%s>; rel="next"' % link})
    message = failure(lambda: make_client().get_list(DEVICES, "Thing"))
    assert message == "GET /%s linked its next page to %s, outside the endpoint %s; not followed" % (DEVICES, link, ENDPOINT)
    assert len(api.calls) == 1


def test_pages_are_read_up_to_the_bound(api, monkeypatch):
    monkeypatch.setattr(_client, "MAX_PAGES", 3)
    api.get(url(DEVICES), json=[thing(1)], headers={"Link": '<?page=2>; rel="next"'})
    message = failure(lambda: make_client().get_list(DEVICES, "Thing"))
    assert message == "GET /%s?page=2 kept answering with a next page after 3 pages of Things" % DEVICES
    assert len(api.calls) == 3


# --- one object -----------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, message", [
    (dict(json=[THING]), "with a list where a Thing (an object with uuid and name) was expected"),
    (dict(body="null", content_type="application/json"), "with null where a Thing (an object with uuid and name) was expected"),
    (dict(body=""), "with an empty body where a Thing (an object with uuid and name) was expected"),
    (dict(json={"name": "cam-01"}), "with a Thing without uuid"),
])
def test_an_object_of_another_shape_fails(api, answer, message):
    api.get(url(DEVICES + "/" + THING["uuid"]), **answer)
    assert failure(lambda: make_client().get_object(DEVICES + "/" + THING["uuid"], "Thing")) == \
        "GET /%s/%s returned 200 %s" % (DEVICES, THING["uuid"], message)


def test_the_login_needs_a_list_of_customers(api):
    api.post(url("auth/login"), json={"accessToken": "tok-1", "customers": None})
    client = AcretoClient(ENDPOINT, username="someone@somedomain.com", password="pw", retries=1)
    assert failure(client.login) == ("Login as 'someone@somedomain.com' failed: POST /auth/login returned 200 with null "
                                     "where a list of customers was expected")


# --- through the scope and the Thing resource -----------------------------------------------------

def scope(api, ecosystem="Lab"):
    api.post(url("auth/login"), json=LOGIN)
    client = AcretoClient(ENDPOINT, username="someone@somedomain.com", password="pw", retries=1)
    return AcretoScope(client, username="someone@somedomain.com", ecosystem=ecosystem)


def test_the_scope_names_what_it_was_doing(api):
    api.get(url(ECOSYSTEMS), json=[{"name": "Lab", "uuid": ECOSYSTEM}])
    message = failure(lambda: scope(api).ecosystem())
    assert message == ("Listing the ecosystems of customer 'Documentation' failed: GET /%s returned 200 with an ecosystem "
                       "without status (item 0)" % ECOSYSTEMS)


def test_an_ecosystem_read_by_uuid_is_checked_and_a_404_lists_the_others(api):
    api.get(url(ECOSYSTEMS + "/" + ECOSYSTEM), json={"name": "Lab", "uuid": ECOSYSTEM, "status": None})
    message = failure(lambda: scope(api, ECOSYSTEM).ecosystem())
    assert message == ("Reading ecosystem '%s' failed: GET /%s/%s returned 200 with an ecosystem without status"
                       % (ECOSYSTEM, ECOSYSTEMS, ECOSYSTEM))


def test_profile_groups_need_uuid_and_name(api):
    api.get(url(ECOSYSTEMS), json=[ECO])
    api.get(url(ECOSYSTEMS + "/%s/groups" % ECOSYSTEM), json={"groups": []})
    message = failure(lambda: scope(api).groups())
    assert message == ("Listing the profile groups of ecosystem 'Lab' failed: GET /%s/%s/groups returned 200 with an object "
                       "where a list of profile groups was expected (keys: groups)" % (ECOSYSTEMS, ECOSYSTEM))


def test_a_thing_read_by_uuid_that_is_not_there_is_missing_and_one_of_another_shape_fails(api):
    api.get(url(ECOSYSTEMS), json=[ECO])
    api.get(url(DEVICES + "/" + THING["uuid"]), status=404, json={"code": 404, "message": "device not found"})
    things = Thing(scope(api), {})
    assert things.get(THING["uuid"]) is None
    api.replace(responses.GET, url(DEVICES + "/" + THING["uuid"]), json=["cam-01"])
    assert failure(lambda: things.get(THING["uuid"])) == (
        "Reading thing with uuid '%s' failed: GET /%s/%s returned 200 with a list where a Thing (an object with uuid and "
        "name) was expected" % (THING["uuid"], DEVICES, THING["uuid"]))


def test_null_is_never_taken_for_no_things(api):
    api.get(url(ECOSYSTEMS), json=[ECO])
    api.get(url(DEVICES), body="null", content_type="application/json")
    message = failure(lambda: Thing(scope(api), {"name": "cam-01", "profile_group": GROUP}).ensure("present"))
    assert message == ("Listing the things of ecosystem 'Lab' failed: GET /%s returned 200 with null where a list of "
                       "Things was expected" % DEVICES)
    assert [method for method, path in calls(api)] == ["POST", "GET", "GET"]  # the login and two reads, no write


# --- fields of a newer API ------------------------------------------------------------------------

# A profile group given by uuid is taken as it is: no request.
NO_REQUESTS = types.SimpleNamespace(profile_group_uuid=lambda value, listed=True: value)


@pytest.mark.parametrize("state", ["replaced", "overridden"])
def test_a_replacement_resets_the_managed_fields_and_keeps_the_others(state):
    current = dict(THING, description="door camera", labels={"zone": "hall"})
    wanted = Thing(NO_REQUESTS, {"name": "cam-01", "profile_group": GROUP}).replacement(current, state)
    assert wanted == {"name": "cam-01", "profileGroup": GROUP, "type": "device", "category": "", "assetValue": 0,
                      "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""}, "uuid": THING["uuid"],
                      "description": "door camera", "labels": {"zone": "hall"}}


def test_a_merge_keeps_the_fields_it_does_not_manage():
    current = dict(THING, description="door camera")
    wanted = Thing(NO_REQUESTS, {"asset_value": 3}).wanted(current)
    assert wanted == dict(current, assetValue=3)


@pytest.mark.parametrize("answer", [dict(json="created"), dict(json=["cam-01"]), dict(body="")])
def test_a_create_answered_in_another_shape_reports_the_thing_as_listed(api, answer):
    api.get(url(ECOSYSTEMS), json=[ECO])
    api.get(url(ECOSYSTEMS + "/%s/groups" % ECOSYSTEM), json=[{"name": "Profile Group 1", "uuid": GROUP}])
    api.get(url(DEVICES), json=[])  # before the create: none; after it (the same URL again): the new one
    api.get(url(DEVICES), json=[THING])
    api.post(url(DEVICES), status=201, **answer)
    result = Thing(scope(api), {"name": "cam-01", "profile_group": "Profile Group 1"}).ensure("present")
    assert result["changed"] is True and result["thing"] == THING
    assert [method for method, path in calls(api)] == ["POST", "GET", "GET", "GET", "POST", "GET"]
