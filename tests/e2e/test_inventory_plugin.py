"""The inventory plugin acreto.platform.acreto through ansible-inventory and ansible-playbook, against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from acreto_sim.testing import USERNAME, SimulatorProcess
from conftest import COLLECTIONS, PASSWORD, REPO
from plays import CUSTOMER, log_of

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files")
SEED = os.path.join(FILES, "inventory_seed.yaml")
EXPECTED = os.path.join(FILES, "inventory_expected.json")
EXAMPLE = os.path.join(REPO, "playbooks", "inventory", "things.acreto.yml")
# What the stored inventory is made with: every kind of construction, and a cache in a file.
CONSTRUCTED = {
    "compose": {"asset_doubled": "acreto_asset_value * 2", "ansible_connection": "'local'"},
    "groups": {"high_value": "acreto_asset_value >= 3"},
    "keyed_groups": [{"key": "acreto_category", "prefix": "category"}, {"key": "acreto_ecosystem_status", "prefix": "status"}],
    "hostname": "acreto_ecosystem.split()[0] | lower ~ '-' ~ acreto_name | lower | replace(' ', '-')",
    "cache": True,
    "cache_plugin": "ansible.builtin.jsonfile",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A simulator of its own, with the Things of inventory_seed.yaml."""
    with SimulatorProcess(["--seed", SEED, "--commit-seconds", "0"], password=PASSWORD,
                          workdir=str(tmp_path_factory.mktemp("inventory-sim"))) as sim:
        yield sim


@pytest.fixture
def sim(seeded):
    assert seeded.ctl("POST", "/reset").status_code == 200
    return seeded


@pytest.fixture
def env(sim, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRETO_", "ANSIBLE_"))}
    env.update(PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""), ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "local"), ANSIBLE_REMOTE_TMP=str(tmp_path / "remote"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_INVENTORY_UNPARSED_FAILED="true", ACRETO_ENDPOINT=sim.url + "/v2", ACRETO_USERNAME=USERNAME,
               ACRETO_PASSWORD=PASSWORD)
    return env


def config_file(tmp_path, name="test.acreto.yml", **options):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(dict(plugin="acreto.platform.acreto", **options)))
    return str(path)


def inventory(env, source, *args, check=True):
    result = subprocess.run(["ansible-inventory", "-i", source, *args], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=300, check=False)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def plain(value):
    """ansible-inventory's JSON without the wrappers that ansible-core 2.19 and later put around strings, members sorted."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return plain(value["__ansible_unsafe"])
        return {key: plain(item) for key, item in value.items() if key != "profile"}
    if isinstance(value, list):
        items = [plain(item) for item in value]
        # the members of a group, in an order that does not depend on the order of the API's lists
        return sorted(items) if all(isinstance(item, str) for item in items) else items
    return value


def requests_of(sim):
    return [(entry["method"], entry["path"]) for entry in log_of(sim)]


def test_the_inventory_with_constructed_groups_is_the_stored_one_and_the_cache_sends_nothing(sim, env, tmp_path):
    source = config_file(tmp_path, cache_connection=str(tmp_path / "cache"), **CONSTRUCTED)

    first = plain(json.loads(inventory(env, source, "--list").stdout))
    sent = requests_of(sim)
    sim.ctl("DELETE", "/requests")
    second = plain(json.loads(inventory(env, source, "--list").stdout))

    with open(EXPECTED, encoding="utf-8") as handle:
        assert first == json.load(handle)
    assert second == first
    assert requests_of(sim) == []
    ecosystems = "/v2/customers/%s/ecosystems" % CUSTOMER
    assert sent[:2] == [("POST", "/v2/auth/login"), ("GET", ecosystems)]
    assert sorted(sent[2:]) == sorted(("GET", "%s/%s/%s" % (ecosystems, eco, what))
                                      for eco in ("049d6701-a8d3-ca61-662e-3f6adbbd4156", "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11")
                                      for what in ("groups", "devices"))
    # --flush-cache reads the API again
    inventory(env, source, "--list", "--flush-cache")
    assert len(requests_of(sim)) == 6


def test_a_token_and_the_customer_uuid_only(sim, env, tmp_path):
    env = dict(env, ACRETO_USERNAME="", ACRETO_PASSWORD="", ACRETO_TOKEN=sim.login(password=PASSWORD))
    sim.ctl("DELETE", "/requests")

    listed = plain(json.loads(inventory(env, config_file(tmp_path, customer=CUSTOMER), "--list").stdout))

    assert len(listed["_meta"]["hostvars"]) == 4
    assert ("POST", "/v2/auth/login") not in requests_of(sim)


def test_a_vaulted_password_and_a_templated_username(sim, env, tmp_path):
    secret = tmp_path / "vault-secret"
    secret.write_text("inventory-vault-secret\n")
    vaulted = subprocess.run(["ansible-vault", "encrypt_string", "--vault-password-file", str(secret), PASSWORD,
                              "--name", "password"], env=env, capture_output=True, text=True, check=True).stdout
    source = tmp_path / "vaulted.acreto.yml"
    source.write_text("plugin: acreto.platform.acreto\nusername: \"{{ 'someone@' ~ 'somedomain.com' }}\"\n" + vaulted)
    env = dict(env, ACRETO_USERNAME="", ACRETO_PASSWORD="")

    listed = plain(json.loads(inventory(env, str(source), "--list", "--vault-password-file", str(secret)).stdout))

    assert len(listed["_meta"]["hostvars"]) == 4


def test_the_connection_from_the_environment_only_and_the_example_file(sim, env):
    graph = inventory(env, EXAMPLE, "--graph").stdout

    assert re.search(r"@acreto_lab_ecosystem:\n[ |]+--@acreto_lab_ecosystem_cameras:\n[ |]+--printer_2b000000\n", graph), graph
    assert "@category_Camera:" in graph and "@high_value:" in graph and "@status_pending_changes:" in graph


@pytest.mark.parametrize("options, extra_env, message", [
    ({}, {"ACRETO_PASSWORD": "wrong-password"},
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned 401: invalid username or password"),
    ({"ecosystems": ["Production"]}, {},
     "Ecosystem 'Production' not found for customer 'Documentation' (found: 'Documentation Ecosystem', 'Lab Ecosystem')."),
    ({"endpoint": "http://127.0.0.1:9/v2"}, {},
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned no response after 2 retries: "
     "cannot connect to 127.0.0.1:9 (Connection refused)"),
    ({"customer": "Documentation"}, {"ACRETO_USERNAME": "", "ACRETO_PASSWORD": "", "ACRETO_TOKEN": "a-token"},
     "With a token and no username, customer must be given as a uuid (customer names come from the login); got 'Documentation'."),
])
def test_bad_input_fails_in_one_line_without_traceback_or_secret(sim, env, tmp_path, options, extra_env, message):
    result = inventory(dict(env, **extra_env), config_file(tmp_path, **options), "--list", check=False)

    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in " ".join(text.split()), text
    assert "Traceback" not in text
    assert PASSWORD not in text and "wrong-password" not in text and "a-token" not in text


def test_the_report_playbook_on_the_example_inventory_and_under_check(sim, env, tmp_path):
    report = tmp_path / "report.csv"
    command = ["ansible-playbook", "-i", EXAMPLE, "acreto.platform.things_report", "-e", "acreto_report_file=%s" % report]

    dry = subprocess.run(command + ["--check"], env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert not report.exists()
    real = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert real.returncode == 0, real.stdout + real.stderr

    lines = report.read_text().splitlines()
    assert lines[0] == "ecosystem,profile group,name,uuid,type,category,asset value,expiry"
    assert sorted(lines[1:]) == sorted([
        '"Documentation Ecosystem","Profile Group 1","Lobby camera","1a000000-0000-4000-8000-000000000001","device","Camera","3",'
        '"0001-01-01T00:00:00.000Z"',
        '"Documentation Ecosystem","Profile Group 1","printer","1a000000-0000-4000-8000-000000000002","device","IoT","1",'
        '"0001-01-01T00:00:00.000Z"',
        '"Lab Ecosystem","Cameras","printer","2b000000-0000-4000-8000-000000000001","device","Camera","0","0001-01-01T00:00:00.000Z"',
        '"Lab Ecosystem","Profile Group 1","Door sensor","2b000000-0000-4000-8000-000000000002","sensor","IoT","5",'
        '"2030-12-31T23:59:59.000Z"',
    ])
    assert "Documentation Ecosystem: 2 Things (Camera 1, IoT 1)." in real.stdout
