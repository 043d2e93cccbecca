"""Faults, token expiry and contention: the installed collection run by ansible-playbook against the simulator.

Each test injects faults with the simulator's control API and proves with its request log what was sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess
import time

import pytest

from acreto_sim.testing import USERNAME
from conftest import PASSWORD, REPO, writes
from plays import (
    COMMITS, CUSTOMER, DEVICES, DOC, ECO_PATH, GROUP, GROUP_UUID, add_fault, ctl_task, devices, ecosystem_status, log_of,
    output, run_play, set_config, set_status, thing_task, write_play,
)

INJECTED = "fault injected by the simulator"


def statuses(log, method, path):
    return [entry["status"] for entry in log if entry["method"] == method and entry["path"] == path]


def devices_named(sim, name):
    return [thing for thing in devices(sim) if thing["name"] == name]


def seed_thing(sim, name):
    """A Thing written straight to the simulator, as another admin would."""
    response = sim.api("POST", DEVICES[len("/v2"):], token=sim.login(), json={"name": name, "profileGroup": GROUP_UUID})
    assert response.status_code == 201, response.text
    return response.json()


# --- 429 and 5xx on reads and idempotent writes ------------------------------------------------


def test_reads_and_idempotent_writes_are_retried_through_429_and_5xx(sim, run_playbook, tmp_path):
    created = seed_thing(sim, "cam-01")
    sim.ctl("DELETE", "/requests")
    thing_path = "%s/%s" % (DEVICES, created["uuid"])
    add_fault(sim, method="GET", path="/ecosystems$", status=503, count=1)
    add_fault(sim, method="GET", path="/groups$", status=502, count=2)
    add_fault(sim, method="GET", path="/devices$", status=429, retry_after=1, count=1)
    add_fault(sim, method="PUT", path="/devices/", status=504, count=2)
    add_fault(sim, method="DELETE", path="/devices/", status=503, retry_after=1, count=1)

    started = time.monotonic()
    proc, results = run_play(run_playbook, tmp_path, [
        {"name": "Read", "register": "read", "acreto.platform.acreto_thing_info": {"ecosystem": DOC, "profile_group": GROUP}},
        thing_task("update", "cam-01", asset_value=7),
        thing_task("delete", "cam-01", state="absent"),
    ])
    elapsed = time.monotonic() - started

    assert proc.returncode == 0, output(proc)
    assert [thing["name"] for thing in results["read"]["things"]] == ["cam-01"]
    assert results["update"]["changed"] is True and results["update"]["thing"]["assetValue"] == 7
    assert results["delete"]["changed"] is True
    log = log_of(sim)
    assert statuses(log, "GET", "/v2/customers/%s/ecosystems" % CUSTOMER)[:2] == [503, 200]
    assert statuses(log, "GET", ECO_PATH + "/groups")[:3] == [502, 502, 200]
    assert statuses(log, "GET", DEVICES)[:2] == [429, 200]
    assert statuses(log, "PUT", thing_path) == [504, 504, 200]
    assert statuses(log, "DELETE", thing_path) == [503, 204]
    # Retry-After: 1 was honoured twice; the second 502 was backed off about a second
    assert elapsed > 3
    assert devices(sim) == []


@pytest.mark.parametrize("method, status, retry_after, path, action", [
    ("GET", 503, 1, "/devices$", "Listing the things of ecosystem 'Documentation Ecosystem'"),
    ("PUT", 429, 1, "/devices/", "Updating thing 'cam-01'"),
], ids=["get-503", "put-429"])
def test_when_retries_run_out_the_error_names_the_request_and_its_last_status(
        sim, run_playbook, tmp_path, method, status, retry_after, path, action):
    created = seed_thing(sim, "cam-01")
    sim.ctl("DELETE", "/requests")
    add_fault(sim, method=method, path=path, status=status, retry_after=retry_after)
    request_path = DEVICES if method == "GET" else "%s/%s" % (DEVICES, created["uuid"])

    proc, results = run_play(run_playbook, tmp_path, [thing_task("result", "cam-01", asset_value=9, ignore_errors=True)])

    result = results["result"]
    assert result["failed"] is True
    assert result["msg"] == "%s failed: %s %s returned %d after 5 retries: %s" % (
        action, method, request_path[len("/v2"):], status, INJECTED)
    assert result["status"] == status
    assert statuses(log_of(sim), method, request_path) == [status] * 6
    assert "Traceback" not in output(proc)


# --- a lost answer to a create: look first, never create twice --------------------------------


@pytest.mark.parametrize("fault, posts", [
    ({"drop": True, "after": True}, [None]),
    ({"status": 503, "after": True}, [503]),
    ({"status": 502}, [502, 201]),
    ({"drop": True}, [None, 201]),
], ids=["dropped-after-create", "503-after-create", "502-before-create", "dropped-before-create"])
def test_a_lost_create_is_looked_for_before_it_is_sent_again(sim, run_playbook, tmp_path, fault, posts):
    add_fault(sim, method="POST", path="/devices$", count=1, **fault)

    proc, results = run_play(run_playbook, tmp_path, [thing_task("cam", "cam-01", category="IoT", asset_value=3)])

    assert proc.returncode == 0, output(proc)
    found = devices_named(sim, "cam-01")
    assert len(found) == 1
    assert results["cam"]["changed"] is True
    assert results["cam"]["thing"] == found[0]
    assert (found[0]["category"], found[0]["assetValue"]) == ("IoT", 3)
    log = log_of(sim)
    assert statuses(log, "POST", DEVICES) == posts
    # between the lost POST and anything else, the devices were listed again
    first_post = next(i for i, entry in enumerate(log) if entry["method"] == "POST" and entry["path"] == DEVICES)
    assert (log[first_post + 1]["method"], log[first_post + 1]["path"]) == ("GET", DEVICES)


def test_a_lost_commit_post_is_not_sent_twice(sim, run_playbook, tmp_path):
    add_fault(sim, method="POST", path="/commits$", drop=True, after=True, count=1)
    set_config(sim, commit_seconds=1)

    proc, results = run_play(run_playbook, tmp_path, [
        thing_task("cam", "cam-01"),
        {"name": "Commit", "register": "commit", "acreto.platform.acreto_commit": {"ecosystem": DOC, "poll_interval": 0.5}},
    ])

    assert proc.returncode == 0, output(proc)
    assert results["commit"]["changed"] is True
    assert results["commit"]["status"] == "ok"
    assert statuses(log_of(sim), "POST", COMMITS) == [None]


# --- token expiry --------------------------------------------------------------------------------


def test_token_expiring_during_a_long_run_means_logging_in_again(sim, run_playbook, tmp_path):
    set_config(sim, token_ttl=2, commit_seconds=5)

    proc, results = run_play(run_playbook, tmp_path, [
        thing_task("cam", "cam-01"),
        {"name": "Commit and wait longer than a token lives", "register": "commit",
         "acreto.platform.acreto_commit": {"ecosystem": DOC, "poll_interval": 1}},
        {"name": "Read", "register": "read", "acreto.platform.acreto_thing_info": {"ecosystem": DOC}},
    ])

    assert proc.returncode == 0, output(proc)
    assert results["commit"]["status"] == "ok"
    assert results["commit"]["elapsed"] >= 4
    assert [thing["name"] for thing in results["read"]["things"]] == ["cam-01"]
    log = log_of(sim)
    rejected = [i for i, entry in enumerate(log) if entry["status"] == 401]
    assert rejected, log
    for index in rejected:
        # the refused request is followed by a login and the same request again
        assert (log[index + 1]["path"], log[index + 1]["status"]) == ("/v2/auth/login", 200)
        assert (log[index + 2]["method"], log[index + 2]["path"]) == (log[index]["method"], log[index]["path"])
        assert log[index + 2]["status"] == 200


def test_token_expiring_while_the_role_writes_in_parallel(sim, run_playbook, tmp_path):
    set_config(sim, token_ttl=2)
    # slow creates, so that the writes of one module run outlive a token: 60 creates of 1 s each, 16 at a time (the
    # default parallelism), take about 4 s
    add_fault(sim, method="POST", path="/devices$", delay_ms=1000)
    wanted = [{"name": "cam-%02d" % index, "profile_group": GROUP, "asset_value": index} for index in range(60)]

    proc, dummy = run_play(run_playbook, tmp_path, [
        {"name": "Run the role", "ansible.builtin.include_role": {"name": "acreto.platform.things"},
         "vars": {"acreto_ecosystem": DOC, "acreto_things": wanted}},
    ])

    assert proc.returncode == 0, output(proc)
    things = devices(sim)
    assert sorted((thing["name"], thing["assetValue"]) for thing in things) == [(w["name"], w["asset_value"]) for w in wanted]
    log = log_of(sim)
    assert 401 in [entry["status"] for entry in log], "no token expired during the run"
    assert statuses(log, "POST", DEVICES).count(201) == 60
    assert ecosystem_status(sim) == "ok"


def test_token_only_and_expired_says_what_to_do(sim, run_playbook, tmp_path):
    proc, results = run_play(run_playbook, tmp_path, [
        {"name": "Log in", "register": "login", "no_log": True,
         "acreto.platform.acreto_auth": {"username": USERNAME, "password": PASSWORD}},
        ctl_task(sim, "POST", "/tokens/expire"),
        {"name": "Read with the expired token", "register": "read", "ignore_errors": True,
         "acreto.platform.acreto_thing_info": {"token": "{{ login.access_token }}", "customer": CUSTOMER,
                                               "ecosystem": DOC}},
    ], env={"ACRETO_USERNAME": "", "ACRETO_PASSWORD": ""})

    read = results["read"]
    assert read["failed"] is True
    assert read["msg"] == (
        "Listing the ecosystems of customer '%s' failed: GET /customers/%s/ecosystems returned 401: access token expired. "
        "The API token was rejected (expired or invalid); tokens live 600 s. Pass username and password so the collection "
        "can log in again, or get a fresh token with acreto.platform.acreto_auth." % (CUSTOMER, CUSTOMER))
    assert read["status"] == 401
    assert [entry["path"] for entry in log_of(sim)].count("/v2/auth/login") == 1
    assert "Traceback" not in output(proc)


# --- a commit that is already running ---------------------------------------------------------


def test_acreto_commit_waits_for_a_commit_already_in_progress(sim, run_playbook, tmp_path):
    # long enough to be still running when the module starts on a busy machine
    set_status(sim, status="commit_in_progress", commit_seconds=5)

    proc, results = run_play(run_playbook, tmp_path, [
        {"name": "Commit", "register": "commit", "acreto.platform.acreto_commit": {"ecosystem": DOC, "poll_interval": 0.5}},
    ])

    assert proc.returncode == 0, output(proc)
    commit = results["commit"]
    assert (commit["status_before"], commit["status"], commit["changed"], commit["timed_out"]) == (
        "commit_in_progress", "ok", False, False)
    assert commit["polls"] >= 1
    assert writes(log_of(sim)) == []


def test_a_write_waits_for_a_commit_already_in_progress(sim, run_playbook, tmp_path):
    set_status(sim, status="commit_in_progress", commit_seconds=5)

    proc, results = run_play(run_playbook, tmp_path, [thing_task("cam", "cam-01")])

    assert proc.returncode == 0, output(proc)
    assert results["cam"]["changed"] is True
    assert results["cam"]["ecosystem_status_before"] == "ok"
    log = log_of(sim)
    assert 409 not in [entry["status"] for entry in log]
    assert statuses(log, "POST", DEVICES) == [201]
    # the ecosystem was read again while the commit ran, and the create came after it ended
    assert len(statuses(log, "GET", ECO_PATH)) >= 1
    assert len(devices_named(sim, "cam-01")) == 1


def test_two_jobs_committing_the_same_ecosystem_at_once_both_succeed(sim, ansible_env, tmp_path):
    set_config(sim, commit_seconds=3)
    jobs = []
    for job in ("a", "b"):
        mine, other = tmp_path / ("ready-" + job), tmp_path / ("ready-" + ("b" if job == "a" else "a"))
        playbook = tmp_path / ("job-%s.yml" % job)
        write_play(playbook, [
            thing_task("thing", "job-%s" % job),
            {"name": "Ready", "ansible.builtin.file": {"path": str(mine), "state": "touch", "mode": "0600"}},
            {"name": "Wait for the other job", "ansible.builtin.wait_for": {"path": str(other), "timeout": 60}},
            {"name": "Commit", "register": "commit", "acreto.platform.acreto_commit": {"ecosystem": DOC, "poll_interval": 0.5}},
        ], tmp_path / ("job-%s.json" % job))
        jobs.append(subprocess.Popen(["ansible-playbook", "-i", "localhost,", str(playbook)], cwd=REPO, env=ansible_env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = [job.communicate(timeout=120)[0] for job in jobs]

    for job, text in zip(jobs, outputs):
        assert job.returncode == 0, text
        assert "409" not in text
    results = [json.loads((tmp_path / ("job-%s.json" % job)).read_text()) for job in ("a", "b")]
    assert [r["commit"]["status"] for r in results] == ["ok", "ok"]
    assert sorted(thing["name"] for thing in devices(sim)) == ["job-a", "job-b"]
    assert ecosystem_status(sim) == "ok"
    commits = statuses(log_of(sim), "POST", COMMITS)
    # one commit was started; a second POST, if any, was refused and then waited for
    assert commits.count(204) + commits.count(200) == 1
    assert set(commits) <= {200, 204, 409}
    # the jobs did meet: one saw the other's commit running, or had its own POST refused
    assert 409 in commits or "commit_in_progress" in [r["commit"]["status_before"] for r in results], (commits, results)


# --- how a commit ends ----------------------------------------------------------------------------


def test_a_commit_ending_in_ecosystem_error_says_contact_support(sim, run_playbook, tmp_path):
    set_status(sim, fail_next_commit=True)

    proc, results = run_play(run_playbook, tmp_path, [
        thing_task("cam", "cam-01"),
        {"name": "Commit", "register": "commit", "ignore_errors": True,
         "acreto.platform.acreto_commit": {"ecosystem": DOC, "poll_interval": 0.5}},
    ])

    commit = results["commit"]
    assert commit["failed"] is True
    assert commit["msg"] == ("Commit on ecosystem 'Documentation Ecosystem' ended in status 'ecosystem_error'; "
                             "contact Acreto support.")
    assert commit["status"] == "ecosystem_error"
    assert "Traceback" not in output(proc)


def test_a_commit_wait_that_times_out_says_how_to_resume_and_commit_false_only_waits(sim, run_playbook, tmp_path):
    set_config(sim, commit_seconds=4)

    proc, results = run_play(run_playbook, tmp_path, [
        thing_task("cam", "cam-01"),
        {"name": "Commit with a short wait", "register": "first", "ignore_errors": True,
         "acreto.platform.acreto_commit": {"ecosystem": DOC, "wait_timeout": 1, "poll_interval": 0.5}},
        {"name": "Wait for it", "register": "second",
         "acreto.platform.acreto_commit": {"ecosystem": DOC, "commit": False, "poll_interval": 0.5}},
    ])

    assert proc.returncode == 0, output(proc)
    first, second = results["first"], results["second"]
    assert first["failed"] is True
    assert first["timed_out"] is True
    assert first["status"] == "commit_in_progress"
    assert first["msg"] == ("Commit on ecosystem 'Documentation Ecosystem' did not finish within 1 s; last status "
                            "'commit_in_progress'. It may still finish: run acreto_commit with commit=false to wait for it.")
    assert (second["status_before"], second["status"], second["changed"], second["timed_out"]) == (
        "commit_in_progress", "ok", False, False)
    assert statuses(log_of(sim), "POST", COMMITS) == [204]


# --- changes that are not ours, through the role --------------------------------------------------

FOREIGN = ("Ecosystem 'Documentation Ecosystem' already had pending changes before the tasks of staged_by wrote to it "
           "(their ecosystem_status_before 'pending_changes'); a commit applies those changes too.")
FOREIGN_BEFORE_WRITING = ("Writing 1 thing: ecosystem 'Documentation Ecosystem' already has pending changes that this task "
                          "did not make; a commit would apply them too. Nothing was written (acreto_foreign_pending=fail).")


@pytest.mark.parametrize("policy", ["ignore", "warn", "fail", "own"])
def test_foreign_pending_changes_through_the_role(sim, run_playbook, tmp_path, policy):
    if policy != "own":
        # someone else's staged Thing
        seed_thing(sim, "not-ours")
        assert ecosystem_status(sim) == "pending_changes"
    sim.ctl("DELETE", "/requests")
    role_vars = {"acreto_ecosystem": DOC, "acreto_things": [{"name": "ours", "profile_group": GROUP}]}
    if policy != "own":
        role_vars["acreto_foreign_pending"] = policy

    proc, dummy = run_play(run_playbook, tmp_path, [
        {"name": "Run the role", "ansible.builtin.include_role": {"name": "acreto.platform.things"}, "vars": role_vars},
    ])

    text = " ".join(output(proc).split())
    commits = statuses(log_of(sim), "POST", COMMITS)
    if policy == "fail":
        # before the role's first write, in the words of the role's variable
        assert proc.returncode != 0
        assert FOREIGN_BEFORE_WRITING in text, text
        assert writes(log_of(sim)) == []
        assert ecosystem_status(sim) == "pending_changes"
        assert "ours" not in [thing["name"] for thing in devices(sim)]
        return
    assert proc.returncode == 0, output(proc)
    assert (FOREIGN in text) is (policy == "warn")
    assert commits == [204]
    assert ecosystem_status(sim) == "ok"
    assert "ours" in [thing["name"] for thing in devices(sim)]
