"""Ecosystem status rules: staging, commits, 409s."""

import time

import pytest

from conftest import CUSTOMER, DEVICES_PATH, ECOSYSTEM, ECOSYSTEM_PATH, GROUP, LAB, assert_error, wait_for_status

COMMITS = ECOSYSTEM_PATH + "/commits"
THING = {"name": "t", "profileGroup": GROUP}


def status(sim, path=ECOSYSTEM_PATH):
    return sim.api("GET", path).json()["status"]


def force(sim, **body):
    response = sim.ctl("POST", "/ecosystems/%s/status" % ECOSYSTEM, json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("write", ["create", "update", "delete"])
def test_any_device_write_moves_ok_to_pending_changes(sim, write):
    uuid = sim.api("POST", DEVICES_PATH, json=THING).json()["uuid"]
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0})
    assert sim.api("POST", COMMITS).status_code == 204
    assert status(sim) == "ok"
    if write == "create":
        response = sim.api("POST", DEVICES_PATH, json=THING)
    elif write == "update":
        response = sim.api("PUT", DEVICES_PATH + "/" + uuid, json=dict(THING, assetValue=2))
    else:
        response = sim.api("DELETE", DEVICES_PATH + "/" + uuid)
    assert response.status_code in (200, 201, 204)
    assert status(sim) == "pending_changes"
    # a write that fails changes nothing
    sim.api("POST", COMMITS)
    assert sim.api("POST", DEVICES_PATH, json={"name": "bad"}).status_code == 400
    assert status(sim) == "ok"


def test_reads_do_not_change_the_status(sim):
    for path in (ECOSYSTEM_PATH, ECOSYSTEM_PATH + "/groups", DEVICES_PATH):
        assert sim.api("GET", path).status_code == 200
    assert status(sim) == "ok"


def test_commit_goes_through_commit_in_progress_for_commit_seconds(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0.6})
    sim.api("POST", DEVICES_PATH, json=THING)
    started = time.monotonic()
    response = sim.api("POST", COMMITS)
    assert response.status_code == 204 and response.content == b""
    assert wait_for_status(sim, "ok") == ["commit_in_progress", "ok"]
    assert 0.55 <= time.monotonic() - started < 3


def test_commit_from_ok_is_accepted(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0})
    assert sim.api("POST", COMMITS).status_code == 204
    assert status(sim) == "ok"


def test_commit_seconds_zero_finishes_at_once(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0})
    sim.api("POST", DEVICES_PATH, json=THING)
    sim.api("POST", COMMITS)
    assert status(sim) == "ok"


def test_commit_ignores_a_body(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0})
    response = sim.api("POST", COMMITS, json={"anything": 1})
    assert response.status_code == 204


@pytest.mark.parametrize("forced", ["commit_in_progress", "ecosystem_error", "updating"])
def test_writes_and_commits_are_refused_with_409_outside_ok_and_pending(sim, forced):
    uuid = sim.api("POST", DEVICES_PATH, json=THING).json()["uuid"]
    body = force(sim, status=forced)
    assert body["status"] == forced
    for method, path, kwargs in (
        ("POST", DEVICES_PATH, {"json": THING}),
        ("PUT", DEVICES_PATH + "/" + uuid, {"json": dict(THING, name="changed")}),
        ("DELETE", DEVICES_PATH + "/" + uuid, {}),
        ("POST", COMMITS, {}),
    ):
        assert_error(sim.api(method, path, **kwargs), 409, forced)
    # nothing was written, reads still work, the status stays
    assert sim.api("GET", DEVICES_PATH).json() == [dict(THING, uuid=uuid, assetValue=0, category="", type="",
                                                        expiry={"time": "0001-01-01T00:00:00.000Z", "type": ""})]
    assert status(sim) == forced
    # the other ecosystem of the customer is not affected
    lab = "/customers/%s/ecosystems/%s" % (CUSTOMER, LAB)
    assert sim.api("POST", lab + "/commits").status_code == 204


def test_commit_in_progress_refuses_writes_until_done(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0.5})
    sim.api("POST", DEVICES_PATH, json=THING)
    sim.api("POST", COMMITS)
    assert_error(sim.api("POST", DEVICES_PATH, json=THING), 409, "commit_in_progress")
    assert_error(sim.api("POST", COMMITS), 409, "commit_in_progress")
    wait_for_status(sim, "ok")
    assert sim.api("POST", DEVICES_PATH, json=THING).status_code == 201


def test_fail_next_commit_ends_in_ecosystem_error(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0.3})
    assert force(sim, fail_next_commit=True)["fail_next_commit"] is True
    sim.api("POST", DEVICES_PATH, json=THING)
    sim.api("POST", COMMITS)
    assert wait_for_status(sim, "ecosystem_error") == ["commit_in_progress", "ecosystem_error"]
    assert_error(sim.api("POST", COMMITS), 409, "ecosystem_error")
    # only the next commit fails: recover by forcing a status, then commit again
    force(sim, status="pending_changes")
    sim.api("POST", COMMITS)
    assert wait_for_status(sim, "ok")[-1] == "ok"


def test_fail_next_commit_with_commit_seconds_zero(sim):
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0})
    force(sim, fail_next_commit=True)
    sim.api("POST", COMMITS)
    assert status(sim) == "ecosystem_error"


def test_forced_commit_in_progress_can_be_given_an_end(sim):
    body = force(sim, status="commit_in_progress", commit_seconds=0.4)
    assert body["status"] == "commit_in_progress"
    assert wait_for_status(sim, "ok") == ["commit_in_progress", "ok"]
    force(sim, status="commit_in_progress")
    time.sleep(0.5)
    assert status(sim) == "commit_in_progress"  # without an end it stays


def test_force_status_errors(sim):
    assert_error(sim.ctl("POST", "/ecosystems/%s/status" % "00000000-0000-0000-0000-000000000000",
                         json={"status": "ok"}), 404)
    assert_error(sim.ctl("POST", "/ecosystems/%s/status" % ECOSYSTEM, json={}), 400, "status")
    assert_error(sim.ctl("POST", "/ecosystems/%s/status" % ECOSYSTEM, json={"status": 3}), 400, "status")
    assert_error(sim.ctl("POST", "/ecosystems/%s/status" % ECOSYSTEM, json={"stat": "ok"}), 400, "stat")
