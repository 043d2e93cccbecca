"""Helpers for end-to-end tests: write a play on localhost, run it, read back what each task registered."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import re

CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
DOC = "Documentation Ecosystem"
DOC_UUID = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
LAB = "Lab Ecosystem"
LAB_UUID = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
GROUP = "Profile Group 1"
GROUP_UUID = "06f93ee9-3153-3111-8150-01b3d5389106"
ECO_PATH = "/v2/customers/%s/ecosystems/%s" % (CUSTOMER, DOC_UUID)
DEVICES = ECO_PATH + "/devices"
COMMITS = ECO_PATH + "/commits"


def write_play(path, tasks, results_file, roles=None, play_vars=None):
    """A playbook of one play on localhost: `tasks` in a block whose `always` saves every registered result as JSON."""
    names = [task["register"] for task in tasks if "register" in task]
    saved = ", ".join("'%s': %s | default(None)" % (name, name) for name in names)
    play = {
        "name": "e2e",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": play_vars or {},
        "tasks": [{
            "name": "Tasks under test",
            "block": tasks or [{"name": "Nothing", "ansible.builtin.meta": "noop"}],
            "always": [{
                "name": "Save the registered results",
                "ansible.builtin.copy": {"content": "{{ {%s} | to_json }}" % saved, "dest": str(results_file), "mode": "0600"},
            }],
        }],
    }
    if roles:
        play["roles"] = roles
    with open(path, "w", encoding="utf-8") as handle:
        json.dump([play], handle, indent=1)


def run_play(run_playbook, tmp_path, tasks, name="play", roles=None, play_vars=None, env=None, args=(), check=False):
    """Run the play; returns (completed process, {registered name: result})."""
    playbook = tmp_path / ("%s.yml" % name)
    results_file = tmp_path / ("%s-results.json" % name)
    write_play(playbook, tasks, results_file, roles=roles, play_vars=play_vars)
    proc = run_playbook(str(playbook), *args, env=env, check=check)
    results = {}
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8"))
    return proc, results


def output(proc):
    return proc.stdout + proc.stderr


def log_of(sim):
    """The simulator's request log: [{method, path, status}] of every /v2 request."""
    response = sim.ctl("GET", "/requests")
    assert response.status_code == 200, response.text
    return response.json()


def add_fault(sim, **fault):
    response = sim.ctl("POST", "/faults", json=fault)
    assert response.status_code == 200, response.text
    return response.json()


def set_config(sim, **config):
    response = sim.ctl("PATCH", "/config", json=config)
    assert response.status_code == 200, response.text


def set_status(sim, ecosystem_uuid=DOC_UUID, **body):
    response = sim.ctl("POST", "/ecosystems/%s/status" % ecosystem_uuid, json=body)
    assert response.status_code == 200, response.text


def devices(sim, ecosystem_uuid=DOC_UUID):
    """The Things of an ecosystem, read straight from the simulator."""
    response = sim.api("GET", "/customers/%s/ecosystems/%s/devices" % (CUSTOMER, ecosystem_uuid), token=sim.login())
    assert response.status_code == 200, response.text
    return response.json()


def ecosystem_status(sim, ecosystem_uuid=DOC_UUID):
    response = sim.api("GET", "/customers/%s/ecosystems/%s" % (CUSTOMER, ecosystem_uuid), token=sim.login())
    assert response.status_code == 200, response.text
    return response.json()["status"]


def thing_task(register, name, state="present", ignore_errors=False, **options):
    task = {"name": "Thing %s" % name, "register": register,
            "acreto.platform.acreto_thing": dict(ecosystem=DOC, name=name, state=state, **options)}
    if state == "present" and "profile_group" not in options and "uuid" not in options:
        task["acreto.platform.acreto_thing"]["profile_group"] = GROUP
    if ignore_errors:
        task["ignore_errors"] = True
    return task


def ctl_task(sim, method, path, body=None):
    """A uri task that calls the simulator's control API in the middle of a play (it takes only JSON)."""
    task = {"name": "%s /_sim%s" % (method, path),
            "ansible.builtin.uri": {"url": sim.url + "/_sim" + path, "method": method,
                                    "headers": {"Content-Type": "application/json"}}}
    if body is not None:
        task["ansible.builtin.uri"].update(body=body, body_format="json")
    return task


def examples_of(path):
    """The EXAMPLES text of a plugin's source file, or None."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["EXAMPLES"]:
            return node.value.value
    return None


def yaml_blocks(text):
    """The fenced YAML blocks of a Markdown text."""
    return re.findall(r"```ya?ml\n(.*?)```", text, re.S)
