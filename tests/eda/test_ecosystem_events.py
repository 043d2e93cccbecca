# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The events of acreto.platform.ecosystem_events, from a real simulator over HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import time

import pytest

from acreto_sim.testing import SimulatorProcess
from conftest import CUSTOMER, DOC, ECOSYSTEMS, GROUP, LAB, PASSWORD, USERNAME, api, ctl, requests_to, set_status

DEVICES = "%s/%s/devices" % (ECOSYSTEMS, DOC)
FAST = 0.2


def listed(sim):
    """The ecosystems as the API lists them now."""
    return {eco["uuid"]: eco for eco in api(sim, "GET", ECOSYSTEMS)}


# --- status ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_initial_status_for_each_ecosystem_as_the_api_returns_it(sim, credentials, start_source):
    set_status(sim, LAB, status="pending_changes")
    source = start_source(dict(credentials, interval=FAST, emit_initial=True))
    first, second = await source.next(), await source.next()
    now = listed(sim)
    assert {first["ecosystem"]["uuid"], second["ecosystem"]["uuid"]} == {DOC, LAB}
    for event in (first, second):
        assert event["type"] == "initial_status"
        assert event["customer"] == {"name": "Documentation", "uuid": CUSTOMER}
        assert event["ecosystem"] == now[event["ecosystem"]["uuid"]]
        assert event["status"] == now[event["ecosystem"]["uuid"]]["status"]
    assert {event["status"] for event in (first, second)} == {"ok", "pending_changes"}
    await source.quiet(4 * FAST)


@pytest.mark.asyncio
async def test_no_event_while_nothing_changes(sim, credentials, start_source):
    source = start_source(dict(credentials, interval=FAST, watch_things=True))
    await source.quiet(8 * FAST)
    polls = requests_to(sim, "GET", ECOSYSTEMS)
    assert len(polls) >= 5, polls
    # one list of the Things of each watched ecosystem per poll, and nothing else
    assert len(requests_to(sim, "GET", "%s/%s/devices" % (ECOSYSTEMS, DOC))) in (len(polls), len(polls) - 1)
    assert len(requests_to(sim, "GET", "%s/%s/devices" % (ECOSYSTEMS, LAB))) in (len(polls), len(polls) - 1)
    assert {entry["method"] for entry in ctl(sim, "GET", "/requests")} == {"GET", "POST"}
    assert len(requests_to(sim, "POST", "/auth/login")) == 1


@pytest.mark.asyncio
async def test_every_transition_is_one_status_changed(sim, credentials, start_source):
    source = start_source(dict(credentials, ecosystems=["Documentation Ecosystem"], interval=FAST))
    await source.quiet(2 * FAST)
    # someone stages a change
    api(sim, "POST", DEVICES, {"name": "cam-01", "profileGroup": GROUP})
    # a commit starts and ends; then the ecosystem breaks
    steps = [None, dict(status="commit_in_progress"), dict(status="ok"), dict(status="ecosystem_error")]
    seen = []
    for step in steps:
        if step:
            set_status(sim, **step)
        event = await source.next()
        assert event["type"] == "status_changed"
        assert event["ecosystem"]["uuid"] == DOC
        assert event["ecosystem"]["status"] == event["status"]
        seen.append((event["previous_status"], event["status"]))
    assert seen == [("ok", "pending_changes"), ("pending_changes", "commit_in_progress"),
                    ("commit_in_progress", "ok"), ("ok", "ecosystem_error")]
    await source.quiet(3 * FAST)


@pytest.mark.asyncio
async def test_only_the_listed_ecosystems_by_name_or_uuid(sim, credentials, start_source):
    source = start_source(dict(credentials, customer="Documentation", ecosystems=[LAB.upper()], interval=FAST,
                               emit_initial=True))
    assert (await source.next())["ecosystem"]["name"] == "Lab Ecosystem"
    set_status(sim, DOC, status="ecosystem_error")
    await source.quiet(3 * FAST)
    set_status(sim, LAB, status="ecosystem_error")
    event = await source.next()
    assert (event["ecosystem"]["name"], event["previous_status"], event["status"]) == ("Lab Ecosystem", "ok", "ecosystem_error")


# --- Things ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_things_added_changed_and_removed(sim, credentials, start_source):
    kept = api(sim, "POST", DEVICES, {"name": "printer", "profileGroup": GROUP})
    source = start_source(dict(credentials, ecosystems="Documentation Ecosystem", interval=FAST, watch_things=True))
    await source.quiet(2 * FAST)
    camera = api(sim, "POST", DEVICES, {"name": "cam-01", "profileGroup": GROUP, "category": "IoT"})
    # the ecosystem was pending_changes already (the printer): only the Things changed
    added = await source.next()
    assert added["type"] == "things_changed" and added["ecosystem"]["status"] == "pending_changes"
    assert (added["added"], added["removed"], added["changed"]) == ([camera], [], [])

    moved = api(sim, "PUT", "%s/%s" % (DEVICES, camera["uuid"]),
                {"name": "cam-01", "profileGroup": GROUP, "category": "Camera", "assetValue": 3})
    changed = await source.next()
    assert changed["type"] == "things_changed" and changed["added"] == changed["removed"] == []
    assert changed["changed"] == [{"uuid": camera["uuid"], "name": "cam-01", "thing": moved, "changes": {
        "assetValue": {"before": 0, "after": 3}, "category": {"before": "IoT", "after": "Camera"}}}]

    api(sim, "DELETE", "%s/%s" % (DEVICES, camera["uuid"]))
    removed = await source.next()
    assert (removed["added"], removed["removed"], removed["changed"]) == ([], [moved], [])
    assert removed["ecosystem"]["uuid"] == DOC
    await source.quiet(3 * FAST)
    assert [thing["uuid"] for thing in api(sim, "GET", DEVICES)] == [kept["uuid"]]


# --- stale pending changes ---------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_pending_changes_stale_once_per_stay(sim, credentials, start_source):
    source = start_source(dict(credentials, ecosystems=[DOC], interval=0.1, stale_pending_after=0.6))
    await source.quiet(0.3)
    set_status(sim, status="pending_changes")
    staged = time.monotonic()
    assert (await source.next())["status"] == "pending_changes"
    stale = await source.next(timeout=3)
    waited = time.monotonic() - staged
    assert stale["type"] == "pending_changes_stale" and stale["status"] == "pending_changes"
    assert 0.5 <= waited < 2.0, waited
    assert stale["pending_seconds"] == 0 and stale["pending_since"].endswith("Z")
    await source.quiet(1.0)
    # committed, then staged again: a new stay, a new warning
    set_status(sim, status="ok")
    assert (await source.next())["status"] == "ok"
    set_status(sim, status="pending_changes")
    assert (await source.next())["status"] == "pending_changes"
    assert (await source.next(timeout=3))["type"] == "pending_changes_stale"


# --- tokens, outages, dropped connections -----------------------------------------------------------

@pytest.mark.asyncio
async def test_expired_token_is_renewed_without_an_event(sim, credentials, start_source):
    source = start_source(dict(credentials, interval=FAST))
    await source.quiet(2 * FAST)
    ctl(sim, "POST", "/tokens/expire")
    await source.quiet(3 * FAST)
    log = ctl(sim, "GET", "/requests")
    rejected = [i for i, entry in enumerate(log) if entry["status"] == 401]
    assert rejected and log[rejected[0]]["path"].endswith(ECOSYSTEMS), log
    assert log[rejected[0] + 1] == {"method": "POST", "path": "/v2/auth/login", "status": 200}
    assert log[rejected[0] + 2]["path"].endswith(ECOSYSTEMS) and log[rejected[0] + 2]["status"] == 200
    set_status(sim, status="ecosystem_error")
    assert (await source.next())["status"] == "ecosystem_error"


@pytest.mark.asyncio
async def test_expired_token_without_password_ends_the_source(sim, credentials, start_source, source_module):
    token = sim.login(password=PASSWORD)
    source = start_source({"endpoint": credentials["endpoint"], "token": token, "customer": CUSTOMER, "interval": FAST})
    await source.quiet(2 * FAST)
    ctl(sim, "POST", "/tokens/expire")
    error = await source.ended()
    assert isinstance(error, source_module.SourceError)
    assert str(error).startswith("acreto.platform.ecosystem_events: Listing the ecosystems of customer '%s' failed: "
                                 "GET /customers/%s/ecosystems returned 401" % (CUSTOMER, CUSTOMER))
    assert "The API token was rejected (expired or invalid)" in str(error)
    assert "\n" not in str(error) and token not in str(error)


@pytest.mark.asyncio
async def test_api_away_and_back(tmp_path, credentials, start_source):
    state = str(tmp_path / "state.json")
    first = SimulatorProcess(["--state", state], password=PASSWORD, workdir=str(tmp_path)).start()
    port = first.url.rsplit(":", 1)[1]
    source = start_source(dict(credentials, endpoint=first.url + "/v2", interval=FAST))
    await source.quiet(2 * FAST)
    first.stop()
    down = await source.next(timeout=10)
    assert down["type"] == "api_unreachable" and down["ecosystem"] is None and down["status"] is None
    assert down["customer"] == {"name": "Documentation", "uuid": CUSTOMER}
    assert down["error"].startswith("Listing the ecosystems of customer 'Documentation' failed: "
                                    "GET /customers/%s/ecosystems returned no response" % CUSTOMER)
    assert "cannot connect to 127.0.0.1:%s" % port in down["error"]
    # one event for the whole outage, however many polls fail
    await source.quiet(20 * FAST)
    with SimulatorProcess(["--port", port, "--state", state], password=PASSWORD, workdir=str(tmp_path)) as again:
        set_status(again, status="ecosystem_error")
        back = await source.next(timeout=15)
        assert back["type"] == "api_recovered" and back["ecosystem"] is None
        assert back["failed_polls"] >= 2 and back["unreachable_seconds"] >= 20 * FAST
        # the change made while the source could not see it comes next
        changed = await source.next()
        assert (changed["type"], changed["previous_status"], changed["status"]) == ("status_changed", "ok", "ecosystem_error")
        await source.quiet(3 * FAST)
        polls = requests_to(again, "GET", ECOSYSTEMS)
        assert len(polls) >= 3 and {entry["status"] for entry in polls} == {200}


def test_pause_grows_while_the_api_is_unreachable(source_module):
    watch = source_module.EcosystemWatch(source_module.parse_options(
        {"endpoint": "http://127.0.0.1:9/v2", "username": USERNAME, "password": PASSWORD, "interval": 10}))
    error = source_module.AcretoError("GET /customers returned no response")
    pauses = []
    for poll in range(8):
        events, pause = watch.failed(error)
        assert len(events) == (1 if poll == 0 else 0)
        pauses.append(pause)
    assert pauses == [10, 20, 40, 80, 160, 300, 300, 300]
    assert [event["acreto"]["type"] for event in watch.recovered()] == ["api_recovered"]
    assert watch.recovered() == []


@pytest.mark.asyncio
async def test_dropped_connection_is_retried_without_an_event(sim, credentials, start_source):
    source = start_source(dict(credentials, interval=FAST))
    await source.quiet(2 * FAST)
    ctl(sim, "POST", "/faults", {"method": "GET", "path": "/ecosystems$", "drop": True, "count": 1})
    await source.quiet(4 * FAST)
    assert [entry["status"] for entry in requests_to(sim, "GET", ECOSYSTEMS)].count(None) == 1
    assert ctl(sim, "GET", "/faults") == []
    set_status(sim, status="ecosystem_error")
    assert (await source.next())["status"] == "ecosystem_error"


@pytest.mark.asyncio
async def test_polls_run_off_the_event_loop(sim, credentials, start_source):
    ctl(sim, "POST", "/faults", {"method": "GET", "path": "/ecosystems$", "delay_ms": 1500, "count": 1})
    source = start_source(dict(credentials, interval=FAST))
    gaps = []
    last = time.monotonic()
    for dummy in range(40):
        await asyncio.sleep(0.05)
        now = time.monotonic()
        gaps.append(now - last)
        last = now
    assert requests_to(sim, "GET", ECOSYSTEMS), "the source did not poll"
    assert max(gaps) < 0.5, max(gaps)
    await source.quiet(0)


# --- the connection from the environment, as for the modules ----------------------------------------

@pytest.mark.asyncio
async def test_connection_from_acreto_environment_variables(sim, start_source, monkeypatch):
    monkeypatch.setenv("ACRETO_ENDPOINT", sim.url + "/v2")
    monkeypatch.setenv("ACRETO_USERNAME", USERNAME)
    monkeypatch.setenv("ACRETO_PASSWORD", PASSWORD)
    monkeypatch.setenv("ACRETO_TIMEOUT", "5")
    source = start_source({"interval": FAST, "emit_initial": "true", "eda_feedback_queue": None})
    assert (await source.next())["customer"]["name"] == "Documentation"


@pytest.mark.asyncio
async def test_options_win_over_the_environment(sim, credentials, start_source, monkeypatch):
    monkeypatch.setenv("ACRETO_ENDPOINT", "http://127.0.0.1:9/v2")
    monkeypatch.setenv("ACRETO_PASSWORD", "not the password")
    source = start_source(dict(credentials, interval=FAST, emit_initial=True))
    assert (await source.next())["type"] == "initial_status"


@pytest.mark.asyncio
@pytest.mark.parametrize("fault, words", [
    ({"path": "/ecosystems$", "body": {"data": [], "total": 0}},
     "GET %s returned 200 with an object where a list of ecosystems was expected (keys: data, total)" % ECOSYSTEMS),
    ({"path": "/ecosystems$", "body": "null"}, "GET %s returned 200 with null where a list of ecosystems was expected" % ECOSYSTEMS),
    ({"path": "/ecosystems$", "body": [{"uuid": DOC, "name": "Documentation Ecosystem"}]},
     "GET %s returned 200 with an ecosystem without status (item 0)" % ECOSYSTEMS),
    ({"path": "/devices$", "body": ["cam-01"]},
     "GET %s returned 200 with a string where a Thing (an object with uuid and name) was expected (item 0)" % DEVICES),
])
async def test_a_malformed_answer_is_logged_and_the_source_goes_on(sim, credentials, start_source, caplog, fault, words):
    source = start_source(dict(credentials, interval=FAST, watch_things=True, ecosystems=[DOC]))
    await source.quiet(2 * FAST)
    ctl(sim, "POST", "/faults", dict(fault, method="GET", count=2))
    down = await source.next()
    assert down["type"] == "api_unreachable" and words in down["error"] and "\n" not in down["error"]
    assert [record.getMessage() for record in caplog.records if words in record.getMessage()] == [
        "acreto.platform.ecosystem_events: a poll of the Acreto API failed: " + down["error"]]
    back = await source.next(timeout=10)
    assert back["type"] == "api_recovered" and back["failed_polls"] == 2
    set_status(sim, status="ecosystem_error")
    assert (await source.next())["status"] == "ecosystem_error"
