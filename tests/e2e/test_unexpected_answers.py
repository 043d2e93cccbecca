"""Answers that do not look like the API document, driven through the real simulator and every reader of the API.

Each shape is a fault that answers one request with a body of its own, once (count 1). Every fault is added before
one playbook runs a task for each shape, in the order of SHAPES, and each task must fail at the request its fault
answers: with one line that names the request, without Python's words for a crash. The simulator's request log
must show no write, and no fault may be left unused.

A task reads the login, the ecosystems, one ecosystem, the profile groups, the Things and one Thing in that order,
and the faults of one path are used in the order they were added. So SHAPES runs the shapes of the login first,
then those of the list of ecosystems, and so on: a task then never meets a fault meant for a later one.

Lists answered page by page must work, and the fields of a newer API must survive every kind of update.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess

import pytest
import yaml

from acreto_sim.testing import SimulatorProcess
from conftest import PASSWORD, REPO, writes
from plays import CUSTOMER, DOC, DOC_UUID, GROUP, LAB, log_of, run_play

ECOSYSTEMS = "/customers/%s/ecosystems" % CUSTOMER
ECOSYSTEM = "%s/%s" % (ECOSYSTEMS, DOC_UUID)
GROUPS = ECOSYSTEM + "/groups"
DEVICES = ECOSYSTEM + "/devices"
THING_UUID = "c86c8910-1770-818b-a0c8-cf9d91201255"
THING = ECOSYSTEM + "/devices/" + THING_UUID
GOOD_THING = {"uuid": THING_UUID, "name": "cam-01", "profileGroup": "06f93ee9-3153-3111-8150-01b3d5389106", "type": "device"}
GOOD_ECOSYSTEM = {"uuid": DOC_UUID, "name": DOC, "status": "ok"}
HTML = "<!DOCTYPE html><html><head><title>Sign in - Corporate Proxy</title></head><body><form></form></body></html>"
# What Python says when code trusts an answer that it should have checked.
CRASH_WORDS = ("Traceback", "AttributeError", "TypeError", "KeyError", "IndexError", "ValueError", "has no attribute",
               "string indices", "not subscriptable", "not iterable", "NoneType", "MODULE FAILURE")

MODULES = {
    "ecosystem_info": ("acreto_ecosystem_info", {}),
    "group_info": ("acreto_group_info", {"ecosystem": DOC}),
    "thing_info": ("acreto_thing_info", {"ecosystem": DOC}),
    "thing_info_uuid": ("acreto_thing_info", {"ecosystem": DOC, "uuid": THING_UUID}),
    "thing": ("acreto_thing", {"ecosystem": DOC, "name": "cam-01", "profile_group": GROUP}),
    "thing_by_eco_uuid": ("acreto_thing", {"ecosystem": DOC_UUID, "name": "cam-01", "profile_group": GROUP}),
    "thing_uuid": ("acreto_thing", {"ecosystem": DOC, "uuid": THING_UUID, "asset_value": 3}),
    "things_merged": ("acreto_things", {"ecosystem": DOC, "state": "merged",
                                        "config": [{"name": "cam-01", "profile_group": GROUP}]}),
    "things_replaced": ("acreto_things", {"ecosystem": DOC, "state": "replaced",
                                          "config": [{"name": "cam-01", "profile_group": GROUP}]}),
    "things_overridden": ("acreto_things", {"ecosystem": DOC, "state": "overridden",
                                            "config": [{"name": "cam-01", "profile_group": GROUP}]}),
    "things_deleted": ("acreto_things", {"ecosystem": DOC, "state": "deleted", "config": [{"name": "cam-01"}]}),
    "things_gathered": ("acreto_things", {"ecosystem": DOC, "state": "gathered"}),
    "commit": ("acreto_commit", {"ecosystem": DOC}),
    "auth": ("acreto_auth", {}),
}


def shape(module, method, path, body, message, content_type=None, headers=None):
    """One malformed answer: the module that reads it, the fault, and the words its failure must hold."""
    fault = {"method": method, "path": "^/v2" + path + "$", "body": body, "count": 1}
    if content_type:
        fault["content_type"] = content_type
    if headers:
        fault["headers"] = headers
    return {"module": module, "fault": fault, "message": message}


def list_shapes(module, path, what, required):
    """The ways a list can go wrong, for the list at `path` whose items are `what`s with the `required` keys."""
    got = "GET %s returned 200 with " % path
    item = dict.fromkeys(required, "x")
    without = required[-1]
    return [
        shape(module, "GET", path, {"data": [item], "total": 1},
              got + "an object where a list of %ss was expected (keys: data, total)" % what),
        shape(module, "GET", path, "null", got + "null where a list of %ss was expected" % what),
        shape(module, "GET", path, ["x"], got + "a string where a"),
        shape(module, "GET", path, [{k: v for k, v in item.items() if k != without}],
              got + "a%s %s without %s (item 0)" % ("n" if what[0] in "aeiou" else "", what, without)),
    ]


SHAPES = [
    # the login: acreto_auth, and the login of every other module
    shape("auth", "POST", "/auth/login", {"accessToken": "not-a-token", "customers": None},
          "POST /auth/login returned 200 with null where a list of customers was expected"),
    shape("auth", "POST", "/auth/login", {"accessToken": "not-a-token", "customers": {"items": []}},
          "POST /auth/login returned 200 with an object where a list of customers was expected (keys: items)"),
    shape("ecosystem_info", "POST", "/auth/login", {"accessToken": "not-a-token", "customers": [{"name": "Documentation"}]},
          "POST /auth/login returned 200 with a customer without uuid (item 0)"),
    shape("ecosystem_info", "POST", "/auth/login", HTML,
          "POST /auth/login returned a response that is not JSON (status 200, text/html): Sign in - Corporate Proxy",
          content_type="text/html"),
    # the ecosystems, listed and read
    *list_shapes("ecosystem_info", ECOSYSTEMS, "ecosystem", ("uuid", "name", "status")),
    shape("ecosystem_info", "GET", ECOSYSTEMS, [dict(GOOD_ECOSYSTEM, name=7)],
          "GET %s returned 200 with an ecosystem without name (item 0)" % ECOSYSTEMS),
    shape("ecosystem_info", "GET", ECOSYSTEMS, '[{"uuid": "049d6701-a8d3', "GET %s returned a response that is not JSON "
          "(status 200, application/json): [{\"uuid\": \"049d6701-a8d3" % ECOSYSTEMS),
    shape("ecosystem_info", "GET", ECOSYSTEMS, HTML, "GET %s returned a response that is not JSON (status 200, text/html): "
          "Sign in - Corporate Proxy" % ECOSYSTEMS, content_type="text/html"),
    shape("ecosystem_info", "GET", ECOSYSTEMS, "", "GET %s returned 200 with an empty body where a list of ecosystems "
          "was expected" % ECOSYSTEMS),
    shape("commit", "GET", ECOSYSTEMS, [{"uuid": DOC_UUID, "name": DOC}],
          "GET %s returned 200 with an ecosystem without status (item 0)" % ECOSYSTEMS),
    shape("thing_by_eco_uuid", "GET", ECOSYSTEM, {"uuid": DOC_UUID, "name": DOC, "status": None},
          "GET %s returned 200 with an ecosystem without status" % ECOSYSTEM),
    shape("thing_by_eco_uuid", "GET", ECOSYSTEM, "", "GET %s returned 200 with an empty body where an ecosystem (an "
          "object with uuid and name and status) was expected" % ECOSYSTEM),
    shape("thing_by_eco_uuid", "GET", ECOSYSTEM, [GOOD_ECOSYSTEM], "GET %s returned 200 with a list where an ecosystem"
          % ECOSYSTEM),
    # the profile groups
    *list_shapes("group_info", GROUPS, "profile group", ("uuid", "name")),
    shape("group_info", "GET", GROUPS, '[{"name": "Profile', "GET %s returned a response that is not JSON" % GROUPS),
    # the Things, listed
    *list_shapes("thing_info", DEVICES, "Thing", ("uuid", "name")),
    shape("thing", "GET", DEVICES, "null", "GET %s returned 200 with null where a list of Things was expected" % DEVICES),
    shape("thing", "GET", DEVICES, {"data": [], "total": 0},
          "GET %s returned 200 with an object where a list of Things was expected (keys: data, total)" % DEVICES),
    shape("thing", "GET", DEVICES, ["cam-01"], "GET %s returned 200 with a string where a Thing" % DEVICES),
    shape("thing", "GET", DEVICES, [], "GET %s linked its next page to http://elsewhere.example/v2/x, outside the endpoint"
          % DEVICES, headers={"Link": '<http://elsewhere.example/v2/x>; rel="next"'}),
    shape("things_merged", "GET", DEVICES, "null", "GET %s returned 200 with null where a list of Things" % DEVICES),
    shape("things_replaced", "GET", DEVICES, {"items": [GOOD_THING]}, "GET %s returned 200 with an object where a list of "
          "Things was expected (keys: items)" % DEVICES),
    shape("things_overridden", "GET", DEVICES, [GOOD_THING, {"uuid": THING_UUID[::-1]}],
          "GET %s returned 200 with a Thing without name (item 1)" % DEVICES),
    shape("things_deleted", "GET", DEVICES, '[{"uuid": "c8', "GET %s returned a response that is not JSON" % DEVICES),
    shape("things_gathered", "GET", DEVICES, "", "GET %s returned 200 with an empty body where a list of Things" % DEVICES),
    # after every shape of the list of Things, which this task reads first
    shape("things_merged", "GET", GROUPS, "null", "GET %s returned 200 with null where a list of profile groups" % GROUPS),
    # one Thing, read by uuid
    shape("thing_info_uuid", "GET", THING, [GOOD_THING], "GET %s returned 200 with a list where a Thing" % THING),
    shape("thing_info_uuid", "GET", THING, "null", "GET %s returned 200 with null where a Thing" % THING),
    shape("thing_uuid", "GET", THING, {"name": "cam-01"}, "GET %s returned 200 with a Thing without uuid" % THING),
    shape("thing_uuid", "GET", THING, HTML, "GET %s returned a response that is not JSON (status 200, text/html)" % THING,
          content_type="text/html"),
]


def module_task(index, item):
    module, options = MODULES[item["module"]]
    return {"name": "Shape %d: %s" % (index, module), "register": "shape_%d" % index, "ignore_errors": True,
            "acreto.platform." + module: options}


def test_every_malformed_answer_fails_in_one_line_that_names_the_request_and_nothing_is_written(sim, run_playbook, tmp_path):
    assert len(SHAPES) >= 30 and {item["module"] for item in SHAPES} == set(MODULES)
    for item in SHAPES:
        assert sim.ctl("POST", "/faults", json=item["fault"]).status_code == 200
    proc, results = run_play(run_playbook, tmp_path, [module_task(index, item) for index, item in enumerate(SHAPES)])
    assert results, proc.stdout[-3000:]

    problems = []
    for index, item in enumerate(SHAPES):
        result = results.get("shape_%d" % index) or {}
        msg = result.get("msg") or ""
        text = json.dumps(result)
        if not (result.get("failed") and item["message"] in msg and "\n" not in msg
                and not any(word in text for word in CRASH_WORDS) and "module_stderr" not in result):
            problems.append((index, item["module"], item["message"], result))
    assert problems == []
    assert sim.ctl("GET", "/faults").json() == []  # every fault answered the request it was meant for
    assert writes(log_of(sim)) == []
    messages = [result.get("msg") or "" for result in results.values()]
    assert [quoted for quoted in documented_messages() if not any(re.fullmatch(quoted, msg) for msg in messages)] == []


def documented_messages():
    """The messages in the table of the section "Unexpected answers" of docs/reliability.md, as patterns ("…": anything)."""
    with open(os.path.join(REPO, "docs", "reliability.md"), encoding="utf-8") as handle:
        section = handle.read().split("## Unexpected answers", 1)[1].split("\n## ", 1)[0]
    quoted = [row.rsplit("| `", 1)[1].rsplit("` |", 1)[0] for row in section.splitlines() if row.startswith("| ") and " failed: " in row]
    assert len(quoted) >= 5, quoted
    return [".*?".join(re.escape(part) for part in text.split("…")) for text in quoted]


# --- lists answered page by page -------------------------------------------------------------------

def test_lists_answered_a_page_at_a_time_are_read_whole(sim, run_playbook, tmp_path):
    token = sim.login()
    for index in range(3):
        created = sim.api("POST", DEVICES, token=token, json=dict(GOOD_THING, name="cam-%02d" % index))
        assert created.status_code == 201, created.text
    assert sim.ctl("PATCH", "/config", json={"page_size": 1}).status_code == 200
    sim.ctl("DELETE", "/requests")
    tasks = [
        {"name": "Ecosystems", "register": "ecosystems", "acreto.platform.acreto_ecosystem_info": {}},
        {"name": "Groups of Lab", "register": "lab_groups", "acreto.platform.acreto_group_info": {"ecosystem": LAB}},
        {"name": "Things", "register": "things", "acreto.platform.acreto_thing_info": {"ecosystem": DOC}},
        {"name": "The Thing on the last page", "register": "last", "acreto.platform.acreto_thing": {
            "ecosystem": DOC, "name": "cam-02", "profile_group": GROUP}},
        {"name": "All of them again", "register": "bulk", "acreto.platform.acreto_things": {
            "ecosystem": DOC, "state": "overridden",
            "config": [{"name": "cam-%02d" % index, "profile_group": GROUP} for index in range(3)]}},
    ]
    proc, results = run_play(run_playbook, tmp_path, tasks, check=True)

    assert [eco["name"] for eco in results["ecosystems"]["ecosystems"]] == [DOC, LAB]
    assert len(results["lab_groups"]["groups"]) == 2
    assert sorted(thing["name"] for thing in results["things"]["things"]) == ["cam-00", "cam-01", "cam-02"]
    assert results["last"]["changed"] is False  # found on page 3: not created twice
    assert results["bulk"]["summary"]["unchanged"] == 3 and results["bulk"]["changed"] is False
    log = log_of(sim)
    assert writes(log) == []
    # the list of Things of each of the three tasks that read it: three pages each
    assert sum(entry["path"] == "/v2" + DEVICES for entry in log) == 3 * 3


# --- the inventory plugin ----------------------------------------------------------------------------

@pytest.mark.parametrize("fault, message", [
    ({"method": "GET", "path": "/ecosystems$", "body": [{"uuid": DOC_UUID, "name": DOC}]},
     "GET %s returned 200 with an ecosystem without status (item 0)" % ECOSYSTEMS),
    ({"method": "GET", "path": "/devices$", "body": "null"},
     "returned 200 with null where a list of Things was expected"),
    ({"method": "GET", "path": "/groups$", "body": HTML, "content_type": "text/html"},
     "returned a response that is not JSON (status 200, text/html): Sign in - Corporate Proxy"),
])
def test_the_inventory_fails_in_one_line_on_a_malformed_answer(sim, ansible_env, tmp_path, fault, message):
    source = tmp_path / "odd.acreto.yml"
    source.write_text(yaml.safe_dump({"plugin": "acreto.platform.acreto"}))
    assert sim.ctl("POST", "/faults", json=fault).status_code == 200
    result = subprocess.run(["ansible-inventory", "-i", str(source), "--list"], cwd=REPO, capture_output=True, text=True,
                            env=dict(ansible_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"), timeout=300, check=False)
    text = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert message in text, text
    assert not any(word in text for word in CRASH_WORDS), text


# --- fields of a newer API ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def newer_sim(tmp_path_factory):
    with SimulatorProcess(["--commit-seconds", "0", "--thing-extra-field", 'description=""'], password=PASSWORD,
                          workdir=str(tmp_path_factory.mktemp("newer-sim"))) as newer:
        yield newer


def test_a_field_the_collection_does_not_manage_survives_every_update(newer_sim, run_playbook, tmp_path):
    token = newer_sim.login()
    created = newer_sim.api("POST", DEVICES, token=token, json=dict(GOOD_THING, description="door camera, north side"))
    assert created.status_code == 201 and created.json()["description"] == "door camera, north side", created.text

    def bulk(state, asset_value):
        return {"name": "acreto_things %s" % state, "register": state, "acreto.platform.acreto_things": {
            "ecosystem": DOC, "state": state, "config": [{"name": "cam-01", "profile_group": GROUP, "asset_value": asset_value}]}}

    tasks = [{"name": "acreto_thing", "register": "single", "acreto.platform.acreto_thing": {
        "ecosystem": DOC, "name": "cam-01", "asset_value": 2}}, bulk("merged", 3), bulk("replaced", 4), bulk("overridden", 5)]
    proc, results = run_play(run_playbook, tmp_path, tasks, env={"ACRETO_ENDPOINT": newer_sim.url + "/v2"}, check=True)

    assert [results[name]["changed"] for name in ("single", "merged", "replaced", "overridden")] == [True] * 4
    thing = newer_sim.api("GET", DEVICES + "/" + created.json()["uuid"], token=newer_sim.login()).json()
    assert thing["description"] == "door camera, north side"
    assert thing["assetValue"] == 5
    puts = [entry for entry in log_of(newer_sim) if entry["method"] == "PUT"]
    assert len(puts) == 4
