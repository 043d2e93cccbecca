"""End-to-end tests: the built collection run by ansible-playbook (or ansible-runner) against a real simulator.

`make e2e` builds and installs the collection into ./collections first; E2E_COLLECTIONS_PATH overrides that.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

import pytest

from acreto_sim.testing import USERNAME, SimulatorProcess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.environ.get("E2E_COLLECTIONS_PATH", os.path.join(REPO, "collections"))
PASSWORD = "e2e-Pa55word-never-logged"
WRITES = ("POST", "PUT", "DELETE")


def writes(log):
    """The write requests of a /_sim/requests log, the logins left out."""
    return [entry for entry in log if entry["method"] in WRITES and not entry["path"].endswith("/auth/login")]


@pytest.fixture(scope="session")
def sim_server(tmp_path_factory):
    if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform")):
        pytest.fail("the collection is not installed in %s: run `make build` first" % COLLECTIONS)
    with SimulatorProcess(["--commit-seconds", "0"], password=PASSWORD,
                          workdir=str(tmp_path_factory.mktemp("sim"))) as sim:
        yield sim


@pytest.fixture
def sim(sim_server):
    """The shared simulator, back at its seed state with an empty request log."""
    response = sim_server.ctl("POST", "/reset")
    assert response.status_code == 200, response.text
    return sim_server


@pytest.fixture
def ansible_env(sim, tmp_path):
    """The environment of an ansible-playbook run: the installed collection and the ACRETO_* credentials."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRETO_", "ANSIBLE_"))}
    env.update(
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ACRETO_ENDPOINT=sim.url + "/v2",
        ACRETO_USERNAME=USERNAME,
        ACRETO_PASSWORD=PASSWORD,
    )
    return env


@pytest.fixture
def run_playbook(ansible_env):
    """Run ansible-playbook with the given arguments; returns the CompletedProcess (output as text)."""

    def run(*args, env=None, check=True):
        result = subprocess.run(["ansible-playbook", "-i", "localhost,", *args], cwd=REPO, env=dict(ansible_env, **(env or {})),
                                capture_output=True, text=True, timeout=600, check=False)
        if check:
            assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        return result

    return run
