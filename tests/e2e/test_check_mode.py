"""Check mode everywhere: every module, playbook and the role under --check write nothing and predict what they would do."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

import yaml

from conftest import PASSWORD, writes
from jobs import DOC, DOC_UUID, GROUP_UUID, LAB, LAB_GROUP_UUID, REPO, clean_env, run_job
from plays import CUSTOMER, devices, ecosystem_status, log_of

from acreto_sim.testing import USERNAME

DEVICES = "/customers/%s/ecosystems/%s/devices" % (CUSTOMER, DOC_UUID)
# Every playbook of playbooks/ and the test that runs it under --check. awx_credential_type.yml runs against a
# stand-in of awx.awx.credential_type: there is no AWX controller here.
PLAYBOOKS = {
    "quickstart.yml": "test_quickstart_under_check_predicts_the_create_and_the_commit_field_by_field",
    "reconcile_ecosystems.yml": "test_inventory_scaling.py::test_check_mode_predicts_each_ecosystem_and_writes_nothing",
    "awx_credential_type.yml": "test_awx_runner.py::test_the_awx_credential_type_playbook_passes_the_type_untemplated",
    "things_report.yml": "test_inventory_plugin.py::test_the_report_playbook_on_the_example_inventory_and_under_check",
    "eda_report.yml": "test_eda_rulebooks.py::test_eda_playbooks_under_check_write_nothing",
    "eda_things_drift.yml": "test_eda_rulebooks.py::test_eda_playbooks_under_check_write_nothing",
}


def action_group():
    with open(os.path.join(REPO, "meta", "runtime.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["action_groups"]["acreto"]


def seed_committed_thing(sim, **fields):
    sim.token = sim.login()
    body = dict(name="Seeded thing", profileGroup=GROUP_UUID, type="device", category="IoT", assetValue=1)
    body.update(fields)
    response = sim.api("POST", DEVICES, json=body)
    assert response.status_code == 201, response.text
    assert sim.api("POST", "/customers/%s/ecosystems/%s/commits" % (CUSTOMER, DOC_UUID)).status_code in (200, 204)
    assert ecosystem_status(sim) == "ok"
    sim.ctl("DELETE", "/requests")
    return response.json()


def module_task(register, module, **options):
    return {"name": register, "register": register, "acreto.platform." + module: options}


def test_every_playbook_is_run_under_check():
    found = sorted(name for name in os.listdir(os.path.join(REPO, "playbooks")) if name.endswith(".yml"))
    assert found == sorted(PLAYBOOKS)
    for test in PLAYBOOKS.values():
        test_file, name = test.split("::") if "::" in test else (os.path.basename(__file__), test)
        with open(os.path.join(os.path.dirname(__file__), test_file), encoding="utf-8") as handle:
            assert re.search(r"^def %s\(" % name, handle.read(), re.M), test


def test_every_module_under_check_with_module_defaults(sim, ansible_env, tmp_path):
    seeded = seed_committed_thing(sim)
    tasks = [
        module_task("auth", "acreto_auth"),
        module_task("ecosystems", "acreto_ecosystem_info", name=DOC),
        module_task("groups", "acreto_group_info", ecosystem=DOC),
        module_task("create", "acreto_thing", ecosystem=DOC, name="New thing", profile_group="Profile Group 1",
                    category="Camera", asset_value=2),
        module_task("update", "acreto_thing", ecosystem=DOC, name="Seeded thing", asset_value=7),
        module_task("read_new", "acreto_thing_info", ecosystem=DOC, name="New thing"),
        module_task("bulk", "acreto_things", ecosystem=DOC, config=[
            {"name": "Bulk thing", "profile_group": GROUP_UUID, "category": "IoT", "asset_value": 5},
            {"name": "Seeded thing", "category": "Camera"}]),
        module_task("delete", "acreto_thing", ecosystem=DOC, name="Seeded thing", state="absent"),
        module_task("commit", "acreto_commit", ecosystem=DOC),
    ]
    tasks[0]["no_log"] = True
    assert sorted({next(k for k in t if k.startswith("acreto.platform.")).split(".")[-1] for t in tasks}) == sorted(action_group())
    play = [{
        "name": "Every module under check",
        "hosts": "all",
        "gather_facts": False,
        "module_defaults": {"group/acreto.platform.acreto": {
            "endpoint": "{{ acreto_endpoint }}", "username": "{{ acreto_username }}",
            "password": "{{ acreto_password }}", "validate_certs": True}},
        "tasks": tasks,
    }]
    extravars = {"acreto_endpoint": sim.url + "/v2", "acreto_username": USERNAME, "acreto_password": PASSWORD}
    job = run_job(tmp_path, clean_env(ansible_env), "every.yml", {}, extravars, "--check --diff", project={"every.yml": play})
    assert job.status == "successful", job.explain()
    assert writes(log_of(sim)) == []
    assert devices(sim) == [seeded]
    res = {name: job.task_results(name)[0] for name in [t["name"] for t in tasks]}

    assert "censored" in res["auth"]  # no_log on the task: the token stays out of the job events
    assert [e["uuid"] for e in res["ecosystems"]["ecosystems"]] == [DOC_UUID]
    assert GROUP_UUID in [g["uuid"] for g in res["groups"]["groups"]]
    assert res["create"]["changed"] is True
    assert res["create"]["diff"]["before"] == {}
    assert {k: v for k, v in res["create"]["diff"]["after"].items() if k != "expiry"} == {
        "name": "New thing", "uuid": None, "type": "device", "category": "Camera", "asset_value": 2, "profile_group": GROUP_UUID}
    assert not res["create"]["thing"].get("uuid")
    assert res["update"]["changed"] is True
    before, after = res["update"]["diff"]["before"], res["update"]["diff"]["after"]
    assert {f for f in after if after[f] != before[f]} == {"asset_value"}
    assert (before["asset_value"], after["asset_value"]) == (1, 7)
    assert res["update"]["diff"]["prepared"] == "~ Seeded thing: asset_value 1 -> 7\n"
    assert res["read_new"]["things"] == []
    assert res["bulk"]["changed"] is True
    assert res["delete"]["changed"] is True
    assert res["delete"]["diff"]["after"] == {}
    assert res["delete"]["diff"]["before"]["name"] == "Seeded thing"
    # nothing was staged, so nothing is pending: acreto_commit predicts no commit of its own
    assert (res["commit"]["changed"], res["commit"]["status"]) == (False, "ok")


def test_quickstart_under_check_predicts_the_create_and_the_commit_field_by_field(sim, run_playbook):
    result = run_playbook("acreto.platform.quickstart", "--check", "--diff",
                          "-e", json.dumps({"acreto_ecosystem": LAB, "acreto_thing_name": "Dry-run sensor"}))
    out = result.stdout
    assert writes(log_of(sim)) == []
    assert devices(sim, "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11") == []
    create = out.split("TASK [4. Create a new Thing]", 1)[1].split("TASK [", 1)[0]
    assert re.search(r"^changed: \[localhost\]", create, re.M), create
    for line in ('+    "asset_value": 1', '+    "category": "IoT"', '+    "name": "Dry-run sensor"',
                 '+    "profile_group": "%s"' % LAB_GROUP_UUID, '+    "type": "device"', "+ Dry-run sensor"):
        assert line in create, create
    commit = out.split("TASK [6. Commit changes and wait until the ecosystem is ok]", 1)[1].split("TASK [", 1)[0]
    assert re.search(r"^changed: \[localhost\]", commit, re.M), commit
    assert "Check mode: the Thing would be created; nothing was written." in out
    assert re.search(r"localhost\s+: ok=\d+\s+changed=2\s+unreachable=0\s+failed=0", out), out[-800:]


def test_role_under_check_on_an_empty_ecosystem(sim, run_playbook, tmp_path):
    things = [
        {"name": "Lobby camera", "profile_group": "Profile Group 1", "category": "Camera", "asset_value": 3},
        {"name": "Door sensor", "profile_group": GROUP_UUID, "type": "sensor", "category": "IoT", "asset_value": 1,
         "expiry": {"time": "2030-01-01T00:00:00Z", "type": "fixed"}},
        {"name": "Never there", "state": "absent"},
    ]
    playbook = tmp_path / "role.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": "The role under check", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "roles": [{"role": "acreto.platform.things", "vars": {"acreto_ecosystem": DOC, "acreto_things": things}}],
    }]))
    result = run_playbook(str(playbook), "--check", "--diff")
    out = result.stdout
    assert writes(log_of(sim)) == []
    assert devices(sim) == []
    # each Thing, field by field, as the diff shows it (the role may use acreto_thing or acreto_things)
    for name, fields in (("Lobby camera", {"category": "Camera", "asset.?value": "3", "profile.?group": GROUP_UUID,
                                           "type": "device"}),
                         ("Door sensor", {"category": "IoT", "asset.?value": "1", "profile.?group": GROUP_UUID,
                                          "type": "sensor", "time": "2030-01-01T00:00:00.000Z"})):
        assert re.search(r'^\+\s+"name": "%s"' % name, out, re.M), out
        for field, value in fields.items():
            assert re.search(r'^\+\s+"%s": "?%s"?,?$' % (field, re.escape(value)), out, re.M | re.I), (field, out)
    commit = out.split("TASK [acreto.platform.things : Commit the ecosystem and wait until it is ok]", 1)[1].split("TASK [", 1)[0]
    assert re.search(r"^changed: \[localhost\]", commit, re.M), out
    assert re.search(r"localhost\s+: ok=\d+\s+changed=[1-9]\d*\s+unreachable=0\s+failed=0", out), out[-800:]
