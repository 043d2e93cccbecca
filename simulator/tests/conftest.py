"""Fixtures: real simulator processes on free ports, spoken to over real HTTP."""

import time

import pytest

from acreto_sim.testing import USERNAME, SimulatorProcess

PASSWORD = "quick-start-pw"
OTHER_USERNAME = "other@otherdomain.com"
CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
OTHER_CUSTOMER = "2d7f9b14-6c3a-4e81-9f02-b5e8a7c4d613"
ECOSYSTEM = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
LAB = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
OTHER_ECOSYSTEM = "e5b8a3f1-4d6c-4a27-8b90-1f2e3d4c5b6a"
GROUP = "06f93ee9-3153-3111-8150-01b3d5389106"
LAB_GROUP = "3c1e5f0a-8d2b-4e6f-a1b7-2f9c0d4e8a55"
CAMERAS = "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64"
USER_UUID = "5fdb6311-d058-0c36-de65-eff41e0ca063"
ZERO_EXPIRY = {"time": "0001-01-01T00:00:00.000Z", "type": ""}

ECOSYSTEM_PATH = "/customers/%s/ecosystems/%s" % (CUSTOMER, ECOSYSTEM)
DEVICES_PATH = ECOSYSTEM_PATH + "/devices"


Sim = SimulatorProcess


@pytest.fixture(scope="session")
def sim_server(tmp_path_factory):
    sim = Sim(["--commit-seconds", "1"], workdir=str(tmp_path_factory.mktemp("sim"))).start()
    sim.token = sim.login()
    yield sim
    assert sim.stop() == 0, sim.stderr()


@pytest.fixture
def sim(sim_server):
    """The shared simulator, reset to its seed state, with a fresh token for the first user."""
    response = sim_server.ctl("POST", "/reset")
    assert response.status_code == 200, response.text
    sim_server.token = sim_server.login()
    return sim_server


@pytest.fixture
def start_sim(tmp_path):
    """Start extra simulators with their own flags; each is stopped at the end of the test."""
    started = []

    def start(args=(), **kwargs):
        kwargs.setdefault("workdir", str(tmp_path))
        sim = Sim(args, **kwargs).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def assert_error(response, code, *words):
    """The API's error shape: {"code": int, "message": str}, the message naming what went wrong."""
    assert response.status_code == code, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    for word in words:
        assert word in body["message"], (word, body["message"])
    return body


def wait_for_status(sim, wanted, timeout=10, eco_path=ECOSYSTEM_PATH):
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        status = sim.api("GET", eco_path).json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return seen
        assert time.monotonic() < deadline, "status %r never reached, seen %r" % (wanted, seen)
        time.sleep(0.1)
