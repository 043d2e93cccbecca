"""Many jobs on one ecosystem at once, and runs killed as a crash kills them, which a rerun then finishes.

Every job is a real ansible-playbook (or ansible-runner) process against the simulator. A kill is SIGKILL to the
whole process tree, collected first: Ansible's task workers call setsid(), so killing the process group of
ansible-playbook would leave the module that does the writes alive.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import os
import signal
import subprocess
import threading
import time

import pytest

from conftest import REPO, writes
from jobs import LAB, LAB_UUID, ROLE_PLAYBOOK, clean_env, injected_env, run_job
from plays import CUSTOMER, add_fault, devices, ecosystem_status, log_of, run_play, set_config, write_play

LAB_DEVICES = "/v2/customers/%s/ecosystems/%s/devices" % (CUSTOMER, LAB_UUID)
LAB_COMMITS = "/v2/customers/%s/ecosystems/%s/commits" % (CUSTOMER, LAB_UUID)
GROUPS = ("Profile Group 1", "Cameras")
STAGED_BEFORE = "already had pending changes that were staged before this run"


def things(prefix, count):
    return [{"name": "%s-%03d" % (prefix, index), "profile_group": GROUPS[index % 2], "category": "IoT",
             "asset_value": index % 7} for index in range(count)]


def role_playbook(path, results, things_list, **role_vars):
    """A play that runs the things role on Lab Ecosystem with these Things."""
    role_vars.update(acreto_ecosystem=LAB, acreto_things=things_list, acreto_commit_wait_timeout=300)
    write_play(path, [{"name": "The role", "ansible.builtin.include_role": {"name": "acreto.platform.things"}, "vars": role_vars}],
               results)


def start(env, playbook):
    return subprocess.Popen(["ansible-playbook", "-i", "localhost,", str(playbook)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def assert_exactly(sim, wanted):
    """The Lab ecosystem holds each wanted Thing once, with its fields, and nothing else, and it is ok."""
    found = devices(sim, LAB_UUID)
    names = collections.Counter(thing["name"] for thing in found)
    assert sorted(names) == sorted(item["name"] for item in wanted)
    assert [name for name, count in names.items() if count > 1] == []
    by_name = {thing["name"]: thing for thing in found}
    for item in wanted:
        thing = by_name[item["name"]]
        assert (thing["category"], thing["assetValue"]) == (item["category"], item["asset_value"]), thing
    assert ecosystem_status(sim, LAB_UUID) == "ok"


def process_tree(pid):
    """pid and all its descendants, found before any of them is killed."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(current)], capture_output=True, text=True, check=False)
        todo.extend(int(child) for child in children.stdout.split())
    return tree


def alive(pid):
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True, check=False).stdout.strip()
    return bool(state) and not state.startswith("Z")


def kill_tree(process):
    """SIGKILL to every process of the tree, as a killed container or node would; only zombies may be left.

    The tree is collected again until nothing of it is alive: a worker may fork the module between two looks.
    """
    killed = set()
    deadline = time.monotonic() + 10
    while True:
        tree = [pid for pid in process_tree(process.pid) if pid == process.pid or alive(pid)]
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        killed.update(tree)
        time.sleep(0.2)
        survivors = [pid for pid in killed if pid != process.pid and alive(pid)]
        if not survivors:
            break
        assert time.monotonic() < deadline, "processes of the killed run still alive: %s" % survivors
    process.communicate(timeout=30)
    return len(killed)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def posts_of_devices(sim):
    return [entry for entry in log_of(sim) if entry["method"] == "POST" and entry["path"] == LAB_DEVICES]


# --- four jobs at once ------------------------------------------------------------------------------------


def test_four_role_runs_at_once_on_one_ecosystem_all_succeed(sim, ansible_env, tmp_path):
    set_config(sim, commit_seconds=2)
    lists = {job: things("job%d" % job, 25) for job in range(4)}
    runs = []
    for job, wanted in lists.items():
        playbook = tmp_path / ("job%d.yml" % job)
        role_playbook(playbook, tmp_path / ("job%d.json" % job), wanted)
        runs.append(start(ansible_env, playbook))
    outputs = [run.communicate(timeout=600)[0] for run in runs]

    for run, text in zip(runs, outputs):
        assert run.returncode == 0, text[-4000:]
        assert "Traceback" not in text
    assert_exactly(sim, [item for wanted in lists.values() for item in wanted])
    assert len(posts_of_devices(sim)) == 100
    # each commit POST was either applied once or refused because another commit ran, and then waited for
    commits = [entry["status"] for entry in log_of(sim) if entry["method"] == "POST" and entry["path"] == LAB_COMMITS]
    assert set(commits) <= {204, 409} and 1 <= commits.count(204) <= 4, commits


def test_four_awx_jobs_at_once_through_ansible_runner(sim, ansible_env, tmp_path):
    set_config(sim, commit_seconds=2)
    env = clean_env(ansible_env)
    envvars = injected_env({"endpoint": sim.url + "/v2", "username": "someone@somedomain.com",
                            "password": ansible_env["ACRETO_PASSWORD"], "validate_certs": True})
    lists = {job: things("awx%d" % job, 25) for job in range(4)}
    jobs = {}

    def one(job):
        extravars = {"acreto_ecosystem": LAB, "acreto_things": lists[job], "acreto_commit_wait_timeout": 300}
        jobs[job] = run_job(tmp_path, env, "things.yml", envvars, extravars, project={"things.yml": ROLE_PLAYBOOK},
                            name="job%d" % job)

    threads = [threading.Thread(target=one, args=(job,)) for job in lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)

    for job in lists:
        assert jobs[job].status == "successful", jobs[job].explain()
    assert_exactly(sim, [item for wanted in lists.values() for item in wanted])


# --- a run killed in the middle, then a plain rerun ------------------------------------------------------------


def test_a_run_killed_in_the_middle_of_its_writes_is_finished_by_a_rerun(sim, ansible_env, tmp_path):
    wanted = things("killed", 300)
    playbook = tmp_path / "role.yml"
    role_playbook(playbook, tmp_path / "role.json", wanted)
    # every create takes 150 ms, so that the run is still writing when it is killed
    add_fault(sim, method="POST", path="/devices$", delay_ms=150)
    run = start(ansible_env, playbook)
    wait_for(lambda: len(posts_of_devices(sim)) >= 40, 180, "40 creates of the run that will be killed")

    killed = kill_tree(run)
    sim.ctl("DELETE", "/faults")
    # creates that were on their way when the run died are still applied by the server: let them land
    time.sleep(1)
    written_before = len(posts_of_devices(sim))
    assert 40 <= written_before < 300, written_before
    assert killed >= 3  # ansible-playbook, its worker, and the module

    rerun = start(ansible_env, rerun_playbook(tmp_path, wanted))
    text = rerun.communicate(timeout=600)[0]

    assert rerun.returncode == 0, text[-4000:]
    assert_exactly(sim, wanted)
    # creates that the kill cut off before the server answered were not applied: 300 were, once each
    assert [entry["status"] for entry in posts_of_devices(sim)].count(201) == 300


@pytest.mark.parametrize("moment", ["commit request held", "commit running"])
def test_a_run_killed_at_its_commit_is_finished_by_a_rerun(sim, ansible_env, tmp_path, moment):
    wanted = things("commit", 20)
    playbook = tmp_path / "role.yml"
    role_playbook(playbook, tmp_path / "role.json", wanted)
    if moment == "commit request held":
        # the commit POST is answered 429 "try again in 30 s": the run dies before its commit is applied
        add_fault(sim, method="POST", path="/commits$", status=429, retry_after=30)
    else:
        set_config(sim, commit_seconds=8)
    run = start(ansible_env, playbook)
    if moment == "commit request held":
        wait_for(lambda: any(e["path"] == LAB_COMMITS for e in log_of(sim)), 180, "the commit request")
    else:
        wait_for(lambda: ecosystem_status(sim, LAB_UUID) == "commit_in_progress", 180, "the commit to run")
    kill_tree(run)
    sim.ctl("DELETE", "/faults")
    set_config(sim, commit_seconds=1)
    status_after_kill = ecosystem_status(sim, LAB_UUID)

    rerun = start(ansible_env, rerun_playbook(tmp_path, wanted))
    text = rerun.communicate(timeout=300)[0]

    assert rerun.returncode == 0, text[-4000:]
    assert_exactly(sim, wanted)
    writes_of_rerun = [w for w in writes(log_of(sim)) if w["path"] == LAB_DEVICES]
    assert len(writes_of_rerun) == 20  # the killed run's creates only: the rerun created nothing again
    if moment == "commit request held":
        assert status_after_kill == "pending_changes"
        # the rerun wrote nothing, found the changes of the killed run staged, and committed them, saying so
        assert STAGED_BEFORE in " ".join(text.split()), text[-4000:]
    else:
        assert status_after_kill == "commit_in_progress"


def rerun_playbook(tmp_path, wanted):
    path = tmp_path / "rerun.yml"
    role_playbook(path, tmp_path / "rerun.json", wanted)
    return path


# --- the client from many threads under a storm -------------------------------------------------------------------


def test_thirty_two_writes_in_flight_under_429_and_503_lose_and_duplicate_nothing(sim, run_playbook, tmp_path):
    wanted = things("storm", 200)
    for fault in ({"status": 429, "retry_after": 0, "probability": 0.2}, {"status": 503, "probability": 0.2}):
        add_fault(sim, path="/devices", **fault)
    task = {"name": "Create under the storm", "register": "storm", "ignore_errors": True,
            "acreto.platform.acreto_things": {"ecosystem": LAB, "parallelism": 32, "config": wanted}}

    dummy, results = run_play(run_playbook, tmp_path, [task])

    storm = results["storm"]
    sim.ctl("DELETE", "/faults")  # the storm is over: the test's own reads must not meet it
    names = collections.Counter(thing["name"] for thing in devices(sim, LAB_UUID))
    assert [name for name, count in names.items() if count > 1] == []
    created = {command["name"] for command in storm.get("commands", [])}
    failed = {failure["name"]: failure for failure in storm.get("failures", [])}
    # every reported create exists; every reported failure is true: that Thing was not created
    assert created <= set(names)
    assert set(failed).isdisjoint(names), [failed[name]["msg"] for name in set(failed) & set(names)]
    assert created | set(failed) == {item["name"] for item in wanted}
    for failure in failed.values():
        assert failure["msg"].startswith("Creating thing '%s' failed: " % failure["name"]), failure
        assert failure["status"] in (429, 503, None), failure
    assert storm["summary"]["created"] == len(created) and storm["summary"]["failed"] == len(failed)

    dummy, again = run_play(run_playbook, tmp_path, [dict(task, register="again", ignore_errors=False)], name="again")
    assert again["again"]["summary"]["created"] == len(failed)
    assert sorted(thing["name"] for thing in devices(sim, LAB_UUID)) == sorted(item["name"] for item in wanted)
