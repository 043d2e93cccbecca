"""Latency: every /v2 request waits like a network round trip, without holding up the others."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import CUSTOMER, DEVICES_PATH, ECOSYSTEM_PATH, GROUP, PASSWORD, assert_error

from acreto_sim import cli
from acreto_sim.state import Config, State


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return time.monotonic() - started, response


def test_latency_flag_delays_every_api_request_login_included(start_sim):
    sim = start_sim(["--latency-ms", "300", "--commit-seconds", "0"])
    assert sim.ctl("GET", "/config").json()["latency_ms"] == 300.0
    seconds, dummy = timed(sim.login)
    assert seconds >= 0.3
    sim.token = sim.login()
    for method, path, body in (("GET", ECOSYSTEM_PATH, None), ("POST", DEVICES_PATH, {"name": "t", "profileGroup": GROUP}),
                               ("GET", "/customers/%s/nowhere" % CUSTOMER, None)):
        seconds, response = timed(sim.api, method, path, json=body)
        assert seconds >= 0.3, (method, path)
        assert response.status_code in (200, 201, 404)


def test_concurrent_requests_overlap(start_sim):
    """Eight requests of 2 s each, sent at once, take about 2 s in all, not 16 s."""
    sim = start_sim(["--latency-ms", "2000"])
    token = sim.login()

    def one(dummy):
        with requests.Session() as session:
            started = time.monotonic()
            response = session.get(sim.url + "/v2" + ECOSYSTEM_PATH, headers={"Authorization": "Bearer " + token}, timeout=30)
            return time.monotonic() - started, response.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(8)))
    total = time.monotonic() - started
    assert [status for dummy, status in results] == [200] * 8
    assert all(seconds >= 2.0 for seconds, dummy in results)
    assert total < 8 * 2.0 / 2, "the requests waited one after the other (%.1f s)" % total


def test_latency_changes_at_run_time_and_a_reset_restores_the_flag(start_sim):
    sim = start_sim(["--latency-ms", "0"])
    sim.token = sim.login()
    config = sim.ctl("PATCH", "/config", json={"latency_ms": 400, "latency_jitter_ms": 0}).json()
    assert (config["latency_ms"], config["latency_jitter_ms"]) == (400.0, 0.0)
    seconds, response = timed(sim.api, "GET", ECOSYSTEM_PATH)
    assert response.status_code == 200 and seconds >= 0.4
    # the control API is not the network: it answers at once (5 s of latency would time out here)
    sim.ctl("PATCH", "/config", json={"latency_ms": 5000})
    assert sim.ctl("GET", "/requests", timeout=2).status_code == 200
    with pytest.raises(requests.Timeout):
        sim.api("GET", ECOSYSTEM_PATH, timeout=1)
    assert sim.ctl("POST", "/reset").status_code == 200
    assert sim.ctl("GET", "/config").json()["latency_ms"] == 0.0
    assert sim.api("GET", ECOSYSTEM_PATH, timeout=2).status_code == 200


def test_latency_adds_to_an_injected_delay(start_sim):
    sim = start_sim(["--latency-ms", "200"])
    sim.token = sim.login()
    sim.ctl("POST", "/faults", json={"path": "/devices$", "delay_ms": 300, "count": 1})
    seconds, response = timed(sim.api, "GET", DEVICES_PATH)
    assert response.status_code == 200 and seconds >= 0.5


@pytest.mark.parametrize("change,field", [
    ({"latency_ms": -1}, "latency_ms"),
    ({"latency_ms": "20"}, "latency_ms"),
    ({"latency_ms": 600001}, "latency_ms"),
    ({"latency_jitter_ms": -0.5}, "latency_jitter_ms"),
])
def test_latency_patch_validates(sim, change, field):
    assert_error(sim.ctl("PATCH", "/config", json=change), 400, field)
    assert sim.ctl("GET", "/config").json()["latency_ms"] == 0.0


def state_with(**config):
    return State(cli.load_seed(None), PASSWORD, Config(**config))


def test_jitter_spreads_the_delay_evenly_either_way():
    state = state_with(latency_ms=100, latency_jitter_ms=20)
    delays = [state.latency_seconds() for dummy in range(2000)]
    assert all(0.08 <= delay <= 0.12 for delay in delays)
    # uniform over 40 ms: 2,000 draws all missing the outer 5 ms on one side has odds of 0.875 ** 2000
    assert min(delays) < 0.085 and max(delays) > 0.115
    assert 0.098 < sum(delays) / len(delays) < 0.102


def test_jitter_never_makes_a_delay_negative_and_no_latency_means_no_delay():
    state = state_with(latency_ms=10, latency_jitter_ms=50)
    delays = [state.latency_seconds() for dummy in range(2000)]
    assert min(delays) == 0.0 and max(delays) <= 0.06
    assert state_with().latency_seconds() == 0.0
