"""The README's example playbook, run against the simulator: under --check --diff it prints what the README shows."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from conftest import PASSWORD, REPO, writes
from plays import DEVICES, ECO_PATH, GROUP_UUID, devices, log_of

with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
    README = handle.read()


def readme_block(heading, language):
    """The first ```language block after the heading."""
    section = README.split("\n## %s\n" % heading, 1)[1]
    return section.split("```%s\n" % language, 1)[1].split("```", 1)[0]


def example_playbook(tmp_path):
    """The example as written, but for the endpoint, which is the simulator's (ACRETO_ENDPOINT)."""
    text = readme_block("Example", "yaml")
    written = "endpoint: https://api-is-rock-solid.acreto.net/v2"
    assert written in text
    path = tmp_path / "cameras.yml"
    path.write_text(text.replace(written, "endpoint: \"{{ lookup('ansible.builtin.env', 'ACRETO_ENDPOINT') }}\""))
    return str(path)


def seed_committed_camera(sim, asset_value):
    sim.token = sim.login()
    body = {"name": "Lobby camera", "type": "device", "category": "Camera", "assetValue": asset_value, "profileGroup": GROUP_UUID}
    assert sim.api("POST", DEVICES[len("/v2"):], json=body).status_code == 201
    assert sim.api("POST", ECO_PATH[len("/v2"):] + "/commits").status_code in (200, 204)
    sim.ctl("DELETE", "/requests")


def test_the_example_under_check_and_diff_prints_what_the_readme_shows(sim, run_playbook, tmp_path):
    seed_committed_camera(sim, 1)

    result = run_playbook(example_playbook(tmp_path), "--check", "--diff", "-e", "vault_acreto_password=" + PASSWORD)

    shown = readme_block("Check mode and diff", "text")
    assert shown in result.stdout, result.stdout
    assert writes(log_of(sim)) == []
    assert [thing["assetValue"] for thing in devices(sim)] == [1]


def test_the_example_creates_then_changes_nothing_and_commits_once(sim, run_playbook, tmp_path):
    playbook = example_playbook(tmp_path)

    first = run_playbook(playbook, "-e", "vault_acreto_password=" + PASSWORD)
    second = run_playbook(playbook, "-e", "vault_acreto_password=" + PASSWORD)

    assert [(t["name"], t["assetValue"], t["category"]) for t in devices(sim)] == [("Lobby camera", 3, "Camera")]
    commits = [entry for entry in writes(log_of(sim)) if entry["path"].endswith("/commits")]
    assert len(commits) == 1
    assert re.search(r"localhost\s+: ok=3\s+changed=2 ", first.stdout), first.stdout
    assert re.search(r"localhost\s+: ok=2\s+changed=0 .*skipped=1", second.stdout), second.stdout
