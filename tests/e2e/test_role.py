"""The things role checks the whole list before its first write, and its errors name the entries as the user wrote them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from conftest import writes
from plays import DEVICES, DOC, GROUP_UUID, devices, log_of, output, run_play

GROUP = "Profile Group 1"


def role_play(run_playbook, tmp_path, things, **role_vars):
    role_vars.update(acreto_ecosystem=DOC, acreto_things=things)
    proc, dummy = run_play(run_playbook, tmp_path, [
        {"name": "Run the role", "ansible.builtin.include_role": {"name": "acreto.platform.things"}, "vars": role_vars},
    ])
    return proc, " ".join(output(proc).split())


def role_failure(text):
    """The msg of the role's own failure: the last FAILED task of the run."""
    found = re.findall(r'FAILED! => \{"changed": false, "msg": "((?:[^"\\]|\\.)*)"\}', text)
    assert found, text[-3000:]
    return found[-1]


def seed(sim, name):
    response = sim.api("POST", DEVICES[len("/v2"):], token=sim.login(), json={"name": name, "profileGroup": GROUP_UUID})
    assert response.status_code == 201, response.text
    sim.ctl("DELETE", "/requests")
    return response.json()


def test_one_thing_as_present_and_as_absent_fails_before_any_write_naming_both_entries(sim, run_playbook, tmp_path):
    proc, text = role_play(run_playbook, tmp_path, [
        {"name": "Role sensor", "profile_group": GROUP},
        {"name": "Role sensor", "state": "absent"},
    ])

    assert proc.returncode != 0
    assert role_failure(text) == ("Thing name 'Role sensor' appears 2 times in acreto_things (acreto_things[0], acreto_things[1]); "
                                  "each thing must be listed once.")
    assert writes(log_of(sim)) == []


def test_one_thing_by_uuid_and_by_name_fails_before_any_write_naming_both_entries(sim, run_playbook, tmp_path):
    existing = seed(sim, "Role camera")

    proc, text = role_play(run_playbook, tmp_path, [
        {"uuid": existing["uuid"], "asset_value": 3},
        {"name": "Role camera", "state": "absent"},
    ])

    assert proc.returncode != 0
    assert role_failure(text) == ("acreto_things[0] and acreto_things[1] both match thing 'Role camera' (uuid %s); "
                                  "list it once." % existing["uuid"])
    assert writes(log_of(sim)) == []


@pytest.mark.parametrize("second, message", [
    ({"uuid": "not-a-uuid", "state": "absent"},
     "acreto_things[1]: uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got 'not-a-uuid'."),
    ({"name": "Role printer", "profile_group": GROUP, "asset_value": -1},
     "acreto_things[1] (Role printer): asset_value must be 0 or greater, got -1."),
    ({"name": "Role printer", "profile_group": "Printers"},
     "Profile group 'Printers' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1')."),
])
def test_a_bad_second_entry_fails_before_the_first_is_written(sim, run_playbook, tmp_path, second, message):
    proc, text = role_play(run_playbook, tmp_path, [{"name": "Role sensor", "profile_group": GROUP}, second])

    assert proc.returncode != 0
    assert role_failure(text) == message
    assert writes(log_of(sim)) == []
    assert devices(sim) == []


def test_present_and_absent_things_in_one_run_then_a_rerun_writes_nothing(sim, run_playbook, tmp_path):
    seed(sim, "Old printer")
    things = [{"name": "Lobby camera", "profile_group": GROUP, "category": "Camera", "asset_value": 3},
              {"name": "Old printer", "state": "absent"}]

    first, dummy = role_play(run_playbook, tmp_path, things)
    assert first.returncode == 0, output(first)
    assert sorted(thing["name"] for thing in devices(sim)) == ["Lobby camera"]
    assert [(entry["method"], entry["path"].rsplit("/", 1)[-1]) for entry in writes(log_of(sim))].count(("POST", "commits")) == 1

    sim.ctl("DELETE", "/requests")
    second, text = role_play(run_playbook, tmp_path, things)
    assert second.returncode == 0, text
    assert writes(log_of(sim)) == []
    assert re.search(r"localhost\s*: ok=\d+ changed=0 ", text), text[-600:]
