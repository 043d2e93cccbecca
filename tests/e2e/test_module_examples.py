"""The EXAMPLES of every module and of the inventory plugin run as written against the simulator.

Each module's EXAMPLES is run as one playbook, on a simulator whose seed holds the Things the examples name. The
only changes: the endpoints and the CA file that the examples show for a real system are those of the simulator,
and the variables that an example reads from elsewhere (a vault password, the result of an earlier login) are set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import subprocess

import certifi
import pytest
import yaml

from acreto_sim.testing import USERNAME, SimulatorProcess
from conftest import PASSWORD, REPO, writes
from plays import CUSTOMER, DOC_UUID, LAB_UUID, examples_of, log_of

SEED = os.path.join(REPO, "simulator", "acreto_sim", "default_seed.yaml")
CAMERAS = "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64"
LAB_GROUP_1 = "3c1e5f0a-8d2b-4e6f-a1b7-2f9c0d4e8a55"
DOC_GROUP_1 = "06f93ee9-3153-3111-8150-01b3d5389106"
RENAMED_UUID = "c86c8910-1770-818b-a0c8-cf9d91201255"
# Endpoints and files of real systems that the examples show
REAL_ENDPOINTS = ("https://api-is-rock-solid.acreto.net/v2", "https://acreto.example.internal/v2", "http://127.0.0.1:8080/v2")
REAL_CA_FILE = "/etc/pki/tls/certs/internal-ca.pem"
LOGIN = {"name": "Log in, as the acreto_auth example does", "acreto.platform.acreto_auth": None, "no_log": True,
         "register": "acreto_login"}
CAMERAS_JSON = [{"name": "cam-01", "profile_group": "Cameras", "category": "IoT", "asset_value": 3},
                {"name": "cam-03", "profile_group": "Cameras", "category": "IoT"}]


def thing(uuid, name, group, category="IoT", asset_value=1):
    return {"uuid": uuid, "name": name, "profileGroup": group, "type": "device", "category": category, "assetValue": asset_value}


def seed():
    """The default seed, with the Things that the examples read, rename, update and delete."""
    with open(SEED, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    ecosystems = {eco["uuid"]: eco for customer in data["customers"] for eco in customer["ecosystems"]}
    ecosystems[DOC_UUID]["devices"] = [thing("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "My first Thing", DOC_GROUP_1)]
    ecosystems[LAB_UUID]["devices"] = [
        thing("1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "cam-01", CAMERAS, asset_value=1),
        thing("2b3c4d5e-6f7a-4b9c-8d1e-2f3a4b5c6d7e", "cam-02", CAMERAS),
        thing("3c4d5e6f-7a8b-4c0d-9e2f-3a4b5c6d7e8f", "cam-old", CAMERAS),
        thing(RENAMED_UUID, "entrance camera", CAMERAS),
        thing("4d5e6f7a-8b9c-4d1e-8f3a-4b5c6d7e8f9a", "old-printer", LAB_GROUP_1, "Printer"),
        thing("5e6f7a8b-9c0d-4e2f-9a4b-5c6d7e8f9a0b", "printer-01", LAB_GROUP_1, "Printer"),
        thing("6f7a8b9c-0d1e-4f3a-8b5c-6d7e8f9a0b1c", "printer-02", LAB_GROUP_1, "Printer"),
    ]
    return data


@pytest.fixture(scope="module")
def example_sim(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("examples-sim")
    seed_file = workdir / "seed.json"
    seed_file.write_text(json.dumps(seed()), encoding="utf-8")
    with SimulatorProcess(["--seed", str(seed_file), "--commit-seconds", "0"], password=PASSWORD, workdir=str(workdir)) as sim:
        yield sim


def examples(path):
    text = examples_of(path)
    assert text is not None, "%s has no EXAMPLES" % path
    return text


def on_simulator(text, sim):
    for endpoint in REAL_ENDPOINTS:
        text = text.replace(endpoint, sim.url + "/v2")
    return text.replace(REAL_CA_FILE, certifi.where())


def run(sim, tmp_path, args, env=None):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ACRETO_", "ANSIBLE_"))}
    environment.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, "collections"), ANSIBLE_NOCOLOR="1",
                       ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), HOME=str(tmp_path), ACRETO_ENDPOINT=sim.url + "/v2",
                       ACRETO_USERNAME=USERNAME, ACRETO_PASSWORD=PASSWORD, **(env or {}))
    return subprocess.run(args, cwd=str(tmp_path), env=environment, capture_output=True, text=True, timeout=300, check=False)


def run_examples(sim, tmp_path, module, reset=True):
    if reset:
        sim.ctl("POST", "/reset").raise_for_status()
    tasks = yaml.safe_load(on_simulator(examples(os.path.join(REPO, "plugins", "modules", module + ".py")), sim))
    if "acreto_login" in json.dumps(tasks) and not any("acreto.platform.acreto_auth" in task for task in tasks):
        tasks.insert(0, copy.deepcopy(LOGIN))
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"vault_acreto_password": PASSWORD}, "tasks": tasks}]
    (tmp_path / "cameras.json").write_text(json.dumps(CAMERAS_JSON), encoding="utf-8")
    (tmp_path / "examples.yml").write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    proc = run(sim, tmp_path, ["ansible-playbook", "-i", "localhost,", "examples.yml"])
    assert proc.returncode == 0 and "failed=0" in proc.stdout, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def lab_things(sim):
    token = sim.login(password=PASSWORD)
    response = sim.api("GET", "/customers/%s/ecosystems/%s/devices" % (CUSTOMER, LAB_UUID), token=token)
    response.raise_for_status()
    return {device["name"]: device for device in response.json()}


def ecosystem_status(sim, uuid):
    token = sim.login(password=PASSWORD)
    return sim.api("GET", "/customers/%s/ecosystems/%s" % (CUSTOMER, uuid), token=token).json()["status"]


def logins(log):
    return [entry for entry in log if entry["path"].endswith("/auth/login")]


def test_acreto_auth_examples_use_the_token_they_got(example_sim, tmp_path):
    run_examples(example_sim, tmp_path, "acreto_auth")
    log = log_of(example_sim)
    assert len(logins(log)) == 1, log
    assert any(entry["path"].endswith("/ecosystems") and entry["method"] == "GET" for entry in log)


@pytest.mark.parametrize("module", ["acreto_ecosystem_info", "acreto_group_info", "acreto_thing_info"])
def test_read_examples_run_and_write_nothing(example_sim, tmp_path, module):
    run_examples(example_sim, tmp_path, module)
    assert writes(log_of(example_sim)) == []


def test_acreto_thing_examples(example_sim, tmp_path):
    run_examples(example_sim, tmp_path, "acreto_thing")
    things = lab_things(example_sim)
    assert things["cam-01"]["assetValue"] == 3 and things["cam-01"]["profileGroup"] == CAMERAS
    assert things["lobby-camera"]["uuid"] == RENAMED_UUID and "entrance camera" not in things
    assert things["contractor-laptop"]["expiry"]["time"].startswith("2030-12-31T23:59:59")
    assert "old-printer" not in things
    assert ecosystem_status(example_sim, LAB_UUID) == "ok"


def test_acreto_things_examples(example_sim, tmp_path):
    run_examples(example_sim, tmp_path, "acreto_things")
    things = lab_things(example_sim)
    cameras = sorted(name for name, device in things.items() if device["profileGroup"] == CAMERAS)
    assert cameras == ["cam-01", "cam-03"]
    assert things["cam-01"]["assetValue"] == 3
    assert "printer-01" not in things and "printer-02" not in things and "old-printer" in things
    assert ecosystem_status(example_sim, LAB_UUID) == "ok"


def test_acreto_commit_examples(example_sim, tmp_path):
    example_sim.ctl("POST", "/reset").raise_for_status()
    token = example_sim.login(password=PASSWORD)
    lab = "/customers/%s/ecosystems/%s" % (CUSTOMER, LAB_UUID)
    cam = lab_things(example_sim)["cam-01"]["uuid"]
    example_sim.api("DELETE", "%s/devices/%s" % (lab, cam), token=token).raise_for_status()
    example_sim.api("POST", lab + "/commits", token=token).raise_for_status()
    example_sim.ctl("DELETE", "/requests").raise_for_status()
    run_examples(example_sim, tmp_path, "acreto_commit", reset=False)
    commits = [entry for entry in log_of(example_sim) if entry["path"].endswith("/commits")]
    assert [entry["path"].split("/")[-2] for entry in commits] == [LAB_UUID], commits
    assert "cam-01" in lab_things(example_sim)
    assert ecosystem_status(example_sim, LAB_UUID) == "ok"


def inventory_examples():
    """The inventory plugin's EXAMPLES: the file it shows, then each commented example as a file of its own."""
    text = examples(os.path.join(REPO, "plugins", "inventory", "acreto.py"))
    head, commented = text.split("# The other examples are commented out", 1)
    files = [head]
    for block in commented.split("\n#\n")[1:]:
        description, body = block.split("# plugin:", 1)
        files.append(description + "\n".join(line[2:] for line in ("# plugin:" + body).splitlines()))
    return files


@pytest.mark.parametrize("index", range(3))
def test_inventory_plugin_examples(example_sim, tmp_path, index):
    files = inventory_examples()
    assert len(files) == 3
    example = on_simulator(files[index], example_sim)
    (tmp_path / "acreto-password.vault").write_text(PASSWORD + "\n", encoding="utf-8")
    (tmp_path / "example.acreto.yml").write_text(example, encoding="utf-8")
    env = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "ANSIBLE_INVENTORY_ENABLED": "acreto.platform.acreto"}
    proc = run(example_sim, tmp_path, ["ansible-inventory", "-i", "example.acreto.yml", "--list"], env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    hosts = json.loads(proc.stdout)["_meta"]["hostvars"]
    if index == 1:
        assert sorted(hosts) == ["lab-cam-01", "lab-cam-02", "lab-cam-old", "lab-entrance-camera"]
    else:
        assert "My first Thing" in hosts and "printer-01" in hosts
