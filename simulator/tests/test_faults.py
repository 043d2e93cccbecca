"""Fault injection: status, Retry-After, delay, dropped connections, after, count, probability."""

import time

import pytest
import requests

from conftest import DEVICES_PATH, ECOSYSTEM_PATH, GROUP, assert_error

THING = {"name": "t", "profileGroup": GROUP}


def add_fault(sim, **spec):
    response = sim.ctl("POST", "/faults", json=spec)
    assert response.status_code == 200, response.text
    return response.json()


def test_status_and_retry_after(sim):
    add_fault(sim, method="GET", path="/devices$", status=503, retry_after=1)
    response = sim.api("GET", DEVICES_PATH)
    assert_error(response, 503)
    assert response.headers["Retry-After"] == "1"
    # the fault has no count: it goes on until cleared
    assert sim.api("GET", DEVICES_PATH).status_code == 503
    # other paths and other methods are untouched
    assert sim.api("GET", ECOSYSTEM_PATH).status_code == 200
    assert sim.api("POST", DEVICES_PATH, json=THING).status_code == 201
    assert sim.ctl("DELETE", "/faults").status_code == 200
    assert sim.api("GET", DEVICES_PATH).status_code == 200


def test_count_limits_the_fault_to_the_next_matches(sim):
    fault = add_fault(sim, path="devices", status=502, count=2)
    assert fault["count"] == 2 and fault["id"] >= 1
    assert [sim.api("GET", DEVICES_PATH).status_code for _ in range(4)] == [502, 502, 200, 200]
    assert sim.ctl("GET", "/faults").json() == []


def test_faulted_requests_are_logged_with_the_status_sent(sim):
    sim.ctl("DELETE", "/requests")
    add_fault(sim, method="post", path="/devices$", status=429, retry_after=2, count=1)
    assert sim.api("POST", DEVICES_PATH, json=THING).status_code == 429
    assert sim.api("GET", DEVICES_PATH).json() == []  # refused before it was applied
    log = sim.ctl("GET", "/requests").json()
    assert log[0] == {"method": "POST", "path": "/v2" + DEVICES_PATH, "status": 429}


def test_probability(sim):
    add_fault(sim, path="devices", status=500, probability=0)
    assert all(sim.api("GET", DEVICES_PATH).status_code == 200 for _ in range(20))
    assert sim.ctl("GET", "/faults").json()[0]["hits"] == 0
    sim.ctl("DELETE", "/faults")
    add_fault(sim, path="devices", status=500, probability=0.5)
    failed = sum(sim.api("GET", DEVICES_PATH).status_code == 500 for _ in range(200))
    assert 50 <= failed <= 150  # p = 0.5 over 200 tries; outside this range has odds below 1e-12
    assert sim.ctl("GET", "/faults").json()[0]["hits"] == failed


def test_probability_with_count(sim):
    add_fault(sim, path="devices", status=500, probability=0.5, count=3)
    codes = [sim.api("GET", DEVICES_PATH).status_code for _ in range(100)]
    assert codes.count(500) == 3


def test_delay(sim):
    add_fault(sim, path="devices", delay_ms=400, count=1)
    started = time.monotonic()
    response = sim.api("GET", DEVICES_PATH)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(requests.Timeout):
        add_fault(sim, path="devices", delay_ms=1500, count=1)
        sim.api("GET", DEVICES_PATH, timeout=0.3)


def test_drop_closes_the_connection_without_an_answer(sim):
    sim.ctl("DELETE", "/requests")
    add_fault(sim, method="POST", path="/devices$", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        sim.api("POST", DEVICES_PATH, json=THING)
    assert sim.api("GET", DEVICES_PATH).json() == []  # dropped before it was applied
    assert sim.api("POST", DEVICES_PATH, json=THING).status_code == 201
    log = sim.ctl("GET", "/requests").json()
    assert log[0] == {"method": "POST", "path": "/v2" + DEVICES_PATH, "status": None}


def test_drop_after_processing_applies_the_write_and_loses_the_answer(sim):
    add_fault(sim, method="POST", path="/devices$", drop=True, after=True, count=1)
    with pytest.raises(requests.ConnectionError):
        sim.api("POST", DEVICES_PATH, json=THING)
    things = sim.api("GET", DEVICES_PATH).json()
    assert [t["name"] for t in things] == ["t"]
    assert sim.api("GET", ECOSYSTEM_PATH).json()["status"] == "pending_changes"


def test_status_after_processing_applies_the_write(sim):
    add_fault(sim, method="PUT", path="/devices/", status=504, after=True, count=1)
    uuid = sim.api("POST", DEVICES_PATH, json=THING).json()["uuid"]
    response = sim.api("PUT", DEVICES_PATH + "/" + uuid, json=dict(THING, assetValue=5))
    assert_error(response, 504)
    assert sim.api("GET", DEVICES_PATH + "/" + uuid).json()["assetValue"] == 5


def test_delay_after_processing(sim):
    add_fault(sim, method="POST", path="/devices$", delay_ms=300, after=True, count=1)
    started = time.monotonic()
    assert sim.api("POST", DEVICES_PATH, json=THING).status_code == 201
    assert time.monotonic() - started >= 0.3


def test_login_can_be_faulted(sim):
    add_fault(sim, path="^/v2/auth/login$", status=503, count=1)
    response = sim.api("POST", "/auth/login", json={"username": "x", "password": "y"})
    assert response.status_code == 503


def test_control_api_is_never_faulted(sim):
    add_fault(sim, path_regex=".*", status=500)
    assert sim.ctl("GET", "/config").status_code == 200
    assert sim.api("GET", ECOSYSTEM_PATH).status_code == 500
    assert sim.ctl("DELETE", "/faults").status_code == 200
    assert sim.api("GET", ECOSYSTEM_PATH).status_code == 200


@pytest.mark.parametrize("spec,field", [
    ({"status": 500}, "path"),
    ({"path": "("}, "path"),
    ({"path": "x"}, "status"),
    ({"path": "x", "status": 99}, "status"),
    ({"path": "x", "status": "500"}, "status"),
    ({"path": "x", "status": 500, "probability": 2}, "probability"),
    ({"path": "x", "status": 500, "count": 0}, "count"),
    ({"path": "x", "status": 500, "unknown": 1}, "unknown"),
])
def test_invalid_fault_specs_get_400(sim, spec, field):
    assert_error(sim.ctl("POST", "/faults", json=spec), 400, field)
    assert sim.ctl("GET", "/faults").json() == []


@pytest.mark.parametrize("path,hit", [
    ("devices", [True, True, False]),            # plain text, anywhere in the path
    ("/devices$", [True, False, False]),         # $ anchors it at the end
    ("^/v2/customers/", [True, True, True]),     # ^ at the start
    ("^/v2" + DEVICES_PATH + "$", [True, False, False]),
    ("^/devices", [False, False, False]),
    ("a.b", [False, False, False]),              # a dot is a dot
])
def test_path_is_plain_text_with_optional_anchors(sim, path, hit):
    thing = sim.api("POST", DEVICES_PATH, json=THING).json()
    add_fault(sim, method="GET", path=path, status=500)
    paths = [DEVICES_PATH, DEVICES_PATH + "/" + thing["uuid"], ECOSYSTEM_PATH]
    assert [sim.api("GET", p).status_code == 500 for p in paths] == hit


def test_path_regex_is_a_regular_expression(sim):
    thing = sim.api("POST", DEVICES_PATH, json=THING).json()
    fault = add_fault(sim, method="GET", path_regex="/devices/[0-9a-f-]{36}$", status=500)
    assert (fault["path"], fault["path_regex"]) == (None, "/devices/[0-9a-f-]{36}$")
    assert sim.api("GET", DEVICES_PATH + "/" + thing["uuid"]).status_code == 500
    assert sim.api("GET", DEVICES_PATH).status_code == 200
    assert sim.ctl("GET", "/faults").json()[0]["hits"] == 1


def test_a_catastrophic_regex_answers_at_once(sim):
    # Python's re needs hours for (a+)+b on 1,000 a's; the simulator's matcher is linear in the path
    add_fault(sim, path_regex="(a+)+b", status=500)
    add_fault(sim, path_regex="(.?){60}x", status=500)  # as many states at once as the size cap allows
    started = time.monotonic()
    for path in ("/" + "a" * 1000, "/" + "a" * 30, "/" + "a" * 1000 + "c"):
        assert_error(sim.api("GET", path), 404)
    assert sim.api("GET", "/aab").status_code == 500
    assert sim.api("GET", "/" + "a" * 1000 + "x").status_code == 500
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("spec,words", [
    ({"path": ".*"}, ["path", "'*'", "path_regex"]),
    ({"path": "/devices/[^/]+$"}, ["path", "'['", "path_regex"]),
    ({"path": "^$"}, ["path", "anchors"]),
    ({"path": "x", "path_regex": "x"}, ["path", "path_regex"]),
    ({"path_regex": "("}, ["path_regex", "not a valid regular expression"]),
    ({"path_regex": "(a)\\1"}, ["path_regex", "backreferences"]),
    ({"path_regex": "(?=a)b"}, ["path_regex", "lookarounds"]),
    ({"path_regex": "(?i)devices"}, ["path_regex", "flags"]),
    ({"path_regex": "a" * 201}, ["path_regex", "longer than 200"]),
    ({"path_regex": "(ab?){100}"}, ["path_regex", "too large"]),
])
def test_refused_paths_name_the_field_and_the_reason(sim, spec, words):
    assert_error(sim.ctl("POST", "/faults", json=dict(spec, status=500)), 400, *words)
    assert sim.ctl("GET", "/faults").json() == []
