"""One inventory host per ecosystem: one job reconciles the ecosystems of the seed data in parallel (forks 2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml

from conftest import PASSWORD, writes
from jobs import CAMERAS_UUID, DOC_UUID, GROUP_UUID, LAB_GROUP_UUID, LAB_UUID, REPO, clean_env, injected_env, run_job
from plays import devices, ecosystem_status, log_of

from acreto_sim.testing import USERNAME

INVENTORY_FILE = os.path.join(REPO, "playbooks", "inventory", "hosts.yml")
PLAYBOOK = "acreto.platform.reconcile_ecosystems"


def inventory():
    with open(INVENTORY_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def job(sim, ansible_env, tmp_path, cmdline, name):
    envvars = injected_env(dict(endpoint=sim.url + "/v2", username=USERNAME, password=PASSWORD, validate_certs=True))
    return run_job(tmp_path, clean_env(ansible_env), PLAYBOOK, envvars, cmdline=cmdline, inventory=inventory(), name=name)


def parallel_tasks(result):
    """The tasks that every host started before the first host finished them (both hosts at the same time)."""
    tasks = {}
    for event in result.events:
        data = event["event_data"]
        if event["event"] in ("runner_on_start", "runner_on_ok", "runner_on_failed"):
            starts, ends = tasks.setdefault(data["task"], ({}, []))
            if event["event"] == "runner_on_start":
                starts[data["host"]] = event["counter"]
            else:
                ends.append(event["counter"])
    return {task for task, (starts, ends) in tasks.items() if len(starts) == 2 and ends and max(starts.values()) < min(ends)}


def test_the_inventory_is_one_local_host_per_ecosystem():
    group = inventory()["acreto_ecosystems"]
    assert group["vars"] == {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    assert {host: hostvars["acreto_ecosystem"] for host, hostvars in group["hosts"].items()} == {
        "documentation": "Documentation Ecosystem", "lab": "Lab Ecosystem"}


def test_one_job_reconciles_both_ecosystems_in_parallel_and_commits_each_once(sim, ansible_env, tmp_path):
    result = job(sim, ansible_env, tmp_path, "--forks 2", "real")
    assert result.status == "successful", result.explain()
    parallel = parallel_tasks(result)
    assert "Commit the ecosystem and wait until it is ok" in parallel, result.stdout
    assert len(parallel) >= 2, parallel
    log = writes(log_of(sim))
    for uuid in (DOC_UUID, LAB_UUID):
        mine = [(w["method"], w["path"].rsplit("/", 1)[-1]) for w in log if "/ecosystems/%s/" % uuid in w["path"]]
        assert sorted(mine) == [("POST", "commits"), ("POST", "devices"), ("POST", "devices")]
    assert len(log) == 6
    doc = {t["name"]: (t["profileGroup"], t["category"], t["assetValue"]) for t in devices(sim, DOC_UUID)}
    lab = {t["name"]: (t["profileGroup"], t["category"], t["assetValue"]) for t in devices(sim, LAB_UUID)}
    assert doc == {"Lobby camera": (GROUP_UUID, "Camera", 3), "Door sensor": (GROUP_UUID, "IoT", 1)}
    assert lab == {"Bench camera": (CAMERAS_UUID, "Camera", 2), "Test sensor": (LAB_GROUP_UUID, "IoT", 1)}
    assert ecosystem_status(sim, DOC_UUID) == ecosystem_status(sim, LAB_UUID) == "ok"

    sim.ctl("DELETE", "/requests")
    again = job(sim, ansible_env, tmp_path, "--forks 2", "again")
    assert again.status == "successful", again.explain()
    assert writes(log_of(sim)) == []
    recap = again.stdout.split("PLAY RECAP", 1)[1]
    assert re.findall(r"^(\w+)\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", recap, re.M) == ["documentation", "lab"]


def test_check_mode_predicts_each_ecosystem_and_writes_nothing(sim, ansible_env, tmp_path):
    result = job(sim, ansible_env, tmp_path, "--forks 2 --check --diff", "dry")
    assert result.status == "successful", result.explain()
    assert writes(log_of(sim)) == []
    assert devices(sim, DOC_UUID) == devices(sim, LAB_UUID) == []
    commits = [e["event_data"]["host"] for e in result.events if e["event"] == "runner_on_ok"
               and e["event_data"]["task"].endswith("Commit the ecosystem and wait until it is ok")
               and e["event_data"]["res"]["changed"]]
    assert sorted(commits) == ["documentation", "lab"]
    for name in ("Lobby camera", "Door sensor", "Bench camera", "Test sensor"):
        assert '"name": "%s"' % name in result.stdout
