"""The rulebooks of extensions/eda, run by ansible-rulebook against the simulator, as a user runs them.

Each test starts `ansible-rulebook --rulebook acreto.platform.<name>` on the installed collection with the ACRETO_*
environment, waits until the source polls, makes the change that the rule is about through the API or /_sim, and
waits for what the playbook of the rule does. The source polls every second.

E2E_EDA_SAMPLES (default 1) is how often the ecosystem_error test forces the status and times the rule; the times
are printed (pytest -s shows them).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import statistics
import subprocess
import time
from datetime import datetime, timezone

import pytest
import yaml

from conftest import PASSWORD, writes
from plays import CUSTOMER, DEVICES, DOC_UUID, ECO_PATH, GROUP, GROUP_UUID, log_of, set_status

INTERVAL = 1
# The source sees a change within INTERVAL; ansible-rulebook receives its event within this much more.
EVENT_SECONDS = 3
# A rule's playbook (ansible-runner, ansible-playbook, three info modules and the report) takes about 5 s on an idle
# 2-core machine, and twice that when other jobs share it.
PLAYBOOK_SECONDS = 25
STARTUP_SECONDS = 60
SAMPLES = int(os.environ.get("E2E_EDA_SAMPLES", "1"))
ECOSYSTEMS = "/v2/customers/%s/ecosystems" % CUSTOMER


def descendants(pid):
    """Every process below pid, collected before any is killed (Ansible's workers call setsid)."""
    found, todo = [], [pid]
    while todo:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(todo.pop())], capture_output=True, text=True, check=False)
        children = [int(line) for line in out.stdout.split()]
        found += children
        todo += children
    return found


class Rulebook:
    """One ansible-rulebook process; its output goes to a file."""

    def __init__(self, name, rule_vars, env, workdir):
        self.output = workdir / ("%s.out" % name)
        vars_file = workdir / ("%s-vars.yml" % name)
        vars_file.write_text(yaml.safe_dump(dict(rule_vars, acreto_interval=INTERVAL)), encoding="utf-8")
        inventory = workdir / "inventory.yml"
        inventory.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n", encoding="utf-8")
        with open(self.output, "wb") as out:
            self.proc = subprocess.Popen(
                ["ansible-rulebook", "--rulebook", "acreto.platform." + name, "--vars", str(vars_file),
                 "--inventory", str(inventory), "-v"],
                cwd=str(workdir), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def text(self):
        return self.output.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what, check, timeout):
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            assert self.proc.poll() is None, "ansible-rulebook ended (rc %s) waiting for %s:\n%s" % (
                self.proc.returncode, what, self.text()[-4000:])
            assert time.monotonic() < deadline, "no %s within %s s:\n%s" % (what, timeout, self.text()[-4000:])
            time.sleep(0.05)

    def stop(self):
        tree = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def start_rulebook(ansible_env, sim, tmp_path):
    """Start rulebooks; each is stopped at the end, and no secret may be in its output."""
    started = []

    def start(name, rule_vars, polls=ECOSYSTEMS):
        rulebook = Rulebook(name, rule_vars, ansible_env, tmp_path)
        started.append(rulebook)
        # The source starts polling while the rule engine still starts; events wait in the queue until it is ready.
        rulebook.wait_for("the rule engine", lambda: "Waiting for events" in rulebook.text(), STARTUP_SECONDS)
        seen = len(polls_of(sim, polls))
        rulebook.wait_for("a poll of the source", lambda: len(polls_of(sim, polls)) > seen, 10 * INTERVAL)
        return rulebook

    yield start
    secrets = [PASSWORD] + [entry["token"] for entry in sim.ctl("GET", "/tokens").json()]
    for rulebook in started:
        rulebook.stop()
        texts = [rulebook.text()] + [path.read_text(encoding="utf-8") for path in tmp_path.glob("reports/*.json")]
        assert not [secret for secret in secrets for text in texts if secret in text], "a secret is in the output"


def utc_seconds(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def polls_of(sim, path):
    return [entry for entry in log_of(sim) if entry["method"] == "GET" and entry["path"] == path and entry["status"] == 200]


def reports(directory):
    return sorted(directory.glob("*.json"))


def test_ecosystem_error_is_reported(sim, start_rulebook, tmp_path):
    report_dir = tmp_path / "reports"
    report_dir.mkdir()
    rulebook = start_rulebook("ecosystem_error", {"acreto_ecosystems": ["Documentation Ecosystem"],
                                                  "acreto_report_dir": str(report_dir)})
    to_event, to_report = [], []
    for sample in range(SAMPLES):
        if sample:
            # the source has seen the ecosystem ok again since the last report
            seen = len(polls_of(sim, ECOSYSTEMS))
            rulebook.wait_for("two more polls", lambda seen=seen: len(polls_of(sim, ECOSYSTEMS)) >= seen + 2, 10)
        known = set(reports(report_dir))
        forced = time.time()
        set_status(sim, status="ecosystem_error")
        new = rulebook.wait_for("report %d" % (sample + 1), lambda known=known: set(reports(report_dir)) - known,
                                INTERVAL + EVENT_SECONDS + PLAYBOOK_SECONDS)
        to_report.append(time.time() - forced)
        report_file = new.pop()
        report = json.loads(report_file.read_text(encoding="utf-8"))
        to_event.append(utc_seconds(report["event_received_at"]) - forced)
        set_status(sim, status="ok")
    print("\nforced ecosystem_error, %d samples, interval %s s, load average %.1f:" % (SAMPLES, INTERVAL, os.getloadavg()[0]))
    for label, seconds in (("-> event from the source (meta.received_at)", to_event), ("-> report written by the rule's playbook", to_report)):
        print("  %s: min %.2f s, median %.2f s, max %.2f s (%s)" % (label, min(seconds), statistics.median(seconds), max(seconds),
                                                                    ", ".join("%.2f" % value for value in seconds)))
    assert max(to_event) < INTERVAL + EVENT_SECONDS, to_event

    assert report["kind"] == "ecosystem_error" and report["event"] == "status_changed"
    assert report["summary"] == ("The ecosystem 'Documentation Ecosystem' of customer 'Documentation' is in status "
                                 "ecosystem_error (it was ok); contact Acreto support.")
    assert (report["ecosystem"]["uuid"], report["ecosystem"]["status"]) == (DOC_UUID, "ecosystem_error")
    assert report["customer"] == {"name": "Documentation", "uuid": CUSTOMER}
    assert report["profile_groups"] == [{"name": GROUP, "uuid": GROUP_UUID}] and report["things"] == []
    assert report_file.name == "acreto-ecosystem_error-%s-%s.json" % (DOC_UUID, report["event_uuid"])
    assert rulebook.text().count(report["summary"]) == SAMPLES


def test_stale_pending_changes_are_reported_to_acreto_report_tasks(sim, start_rulebook, tmp_path):
    report_dir = tmp_path / "reports"
    report_dir.mkdir()
    chat = tmp_path / "chat.txt"
    tasks = tmp_path / "to-chat.yml"
    tasks.write_text(yaml.safe_dump([{"name": "Send the report", "ansible.builtin.copy": {
        "content": "{{ acreto_report.summary }} {{ acreto_report.things | map(attribute='name') | list }}",
        "dest": str(chat), "mode": "0600"}}]), encoding="utf-8")
    stale_after = 1
    rulebook = start_rulebook("stale_pending_changes", {"acreto_stale_after": stale_after, "acreto_report_dir": str(report_dir),
                                                        "acreto_report_tasks": str(tasks)})
    staged = time.monotonic()
    response = sim.api("POST", DEVICES[len("/v2"):], token=sim.login(), json={"name": "Staged camera", "profileGroup": GROUP_UUID})
    assert response.status_code == 201, response.text
    rulebook.wait_for("the report", chat.exists, stale_after + INTERVAL + PLAYBOOK_SECONDS)
    assert time.monotonic() - staged >= stale_after
    text = chat.read_text(encoding="utf-8")
    assert text.startswith("The ecosystem 'Documentation Ecosystem' of customer 'Documentation' has had staged changes "
                           "for 1 s (since "), text
    assert text.endswith("that nobody committed; commit them with acreto.platform.acreto_commit, or undo them. "
                         "['Staged camera']"), text
    assert reports(report_dir) == []


def test_things_drift_is_put_back_with_one_commit(sim, start_rulebook):
    token = sim.login()
    declared = {"name": "cam-01", "profile_group": GROUP, "category": "Camera", "asset_value": 3}
    camera = sim.api("POST", DEVICES[len("/v2"):], token=token, json={
        "name": "cam-01", "profileGroup": GROUP_UUID, "category": "Camera", "assetValue": 3}).json()
    assert sim.api("POST", ECO_PATH[len("/v2"):] + "/commits", token=token).status_code == 204
    rulebook = start_rulebook("things_drift", {"acreto_declared_things": {"Documentation Ecosystem": [declared]}},
                              polls=DEVICES)

    # someone changes the camera in the console and commits
    thing_path = "%s/%s" % (DEVICES[len("/v2"):], camera["uuid"])
    drifted = dict(camera, assetValue=1, category="IoT")
    assert sim.api("PUT", thing_path, token=token, json=drifted).status_code == 200
    assert sim.api("POST", ECO_PATH[len("/v2"):] + "/commits", token=token).status_code == 204
    sim.ctl("DELETE", "/requests")

    def put_back():
        thing = sim.api("GET", thing_path, token=token).json()
        status = sim.api("GET", ECO_PATH[len("/v2"):], token=token).json()["status"]
        return (thing["assetValue"], thing["category"], status) == (3, "Camera", "ok")

    rulebook.wait_for("the camera put back and committed", put_back, 2 * INTERVAL + PLAYBOOK_SECONDS)
    # the fix is one more change of the Things: the rule runs again and writes nothing
    rulebook.wait_for("the second run of the playbook", lambda: rulebook.text().count("PLAY RECAP") >= 2,
                      2 * INTERVAL + PLAYBOOK_SECONDS)
    assert [(entry["method"], entry["path"]) for entry in writes(log_of(sim))] == [
        ("PUT", "/v2" + thing_path), ("POST", ECO_PATH + "/commits")]
    assert "Things of ecosystem 'Documentation Ecosystem' drifted: added [], removed [], changed ['cam-01']." in rulebook.text()


# --- the playbooks of the rules, run as a job template runs them: the event in ansible_eda ------------------------

def event_vars(sim, path, **acreto):
    """The extra vars that run_playbook and run_job_template give: the event, with the ecosystem as listed now."""
    ecosystem = next(eco for eco in sim.api("GET", "/customers/%s/ecosystems" % CUSTOMER, token=sim.login()).json()
                     if eco["uuid"] == DOC_UUID)
    event = {"meta": {"uuid": "e2e-event"}, "acreto": dict(
        {"customer": {"name": "Documentation", "uuid": CUSTOMER}, "ecosystem": ecosystem}, **acreto)}
    path.write_text(json.dumps({"ansible_eda": {"event": event}}), encoding="utf-8")
    return "@" + str(path)


def test_eda_playbooks_under_check_write_nothing(sim, run_playbook, tmp_path):
    token = sim.login()
    camera = sim.api("POST", DEVICES[len("/v2"):], token=token, json={
        "name": "cam-01", "profileGroup": GROUP_UUID, "category": "IoT", "assetValue": 1}).json()
    sim.ctl("DELETE", "/requests")
    report = run_playbook("acreto.platform.eda_report", "--check", "-e", "acreto_report_dir=%s" % tmp_path, "-e",
                          event_vars(sim, tmp_path / "stale.json", type="pending_changes_stale", status="pending_changes",
                                     pending_seconds=3700, pending_since="2030-01-01T00:00:00.000Z"))
    assert ("has had staged changes for 3700 s (since 2030-01-01T00:00:00.000Z) that nobody committed; commit them with "
            "acreto.platform.acreto_commit, or undo them. 1 Things, 1 profile groups") in report.stdout
    assert not list(tmp_path.glob("acreto-*.json"))
    declared = {"Documentation Ecosystem": [{"name": "cam-01", "profile_group": GROUP, "category": "Camera", "asset_value": 3}]}
    drift = run_playbook("acreto.platform.eda_things_drift", "--check", "--diff",
                         "-e", event_vars(sim, tmp_path / "drift.json", type="things_changed", added=[], removed=[],
                                          changed=[{"uuid": camera["uuid"], "name": "cam-01"}]),
                         "-e", json.dumps({"acreto_declared_things": declared}))
    assert "~ cam-01: category 'IoT' -> 'Camera', asset_value 1 -> 3" in drift.stdout, drift.stdout
    assert "Putting back its 1 declared Things." in drift.stdout
    assert writes(log_of(sim)) == []


def test_things_drift_leaves_an_undeclared_ecosystem_alone(sim, run_playbook, tmp_path):
    event = event_vars(sim, tmp_path / "drift.json", type="things_changed", added=[], removed=[], changed=[])
    result = run_playbook("acreto.platform.eda_things_drift", "-e", event,
                          "-e", json.dumps({"acreto_declared_things": {"Lab Ecosystem": []}}))
    assert "No Things are declared for it in acreto_declared_things: nothing to do." in result.stdout
    assert writes(log_of(sim)) == []


def test_a_bad_argument_ends_ansible_rulebook_with_one_clear_line(ansible_env, sim, tmp_path):
    rulebook = Rulebook("ecosystem_error", {"acreto_ecosystems": ["Documentation Ecosystem", "Nope"]}, ansible_env, tmp_path)
    try:
        assert rulebook.proc.wait(timeout=STARTUP_SECONDS) == 1
    finally:
        rulebook.stop()
    output = rulebook.text()
    assert "Traceback" not in output and PASSWORD not in output
    message = ("acreto.platform.ecosystem_events: Ecosystem 'Nope' not found for customer 'Documentation' "
               "(found: 'Documentation Ecosystem', 'Lab Ecosystem').")
    assert "Source error: SourceError: Source plugin failed with error message: '%s'" % message in output
    assert len([line for line in output.splitlines() if " ERROR " in line]) <= 6, output
