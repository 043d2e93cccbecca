"""Helpers for end-to-end tests of AWX-style jobs: the credential type's injection, ansible-runner runs, their events."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess
import tempfile

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE_FILE = os.path.join(REPO, "playbooks", "vars", "acreto_credential_type.yml")
DOC = "Documentation Ecosystem"
LAB = "Lab Ecosystem"
CUSTOMER_UUID = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
DOC_UUID = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
LAB_UUID = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
GROUP_UUID = "06f93ee9-3153-3111-8150-01b3d5389106"
LAB_GROUP_UUID = "3c1e5f0a-8d2b-4e6f-a1b7-2f9c0d4e8a55"
CAMERAS_UUID = "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64"
NO_LOG_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
LOCALHOST_INVENTORY = {"all": {"hosts": {"localhost": {
    "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}

# A play that applies the role to localhost, as a project of an AWX job template would.
ROLE_PLAYBOOK = [{
    "name": "Things of one ecosystem",
    "hosts": "all",
    "gather_facts": False,
    "roles": [{"role": "acreto.platform.things"}],
}]
ROLE_THINGS = [
    {"name": "Lobby camera", "profile_group": "Profile Group 1", "type": "device", "category": "Camera", "asset_value": 3},
    {"name": "Door sensor", "profile_group": GROUP_UUID, "category": "IoT", "asset_value": 1},
]


class _Loader(yaml.SafeLoader):
    """Reads Ansible YAML: !unsafe marks a string Ansible must not template (AWX templates it instead)."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def credential_type():
    with open(CREDENTIAL_TYPE_FILE, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    return data["acreto_credential_type_inputs"], data["acreto_credential_type_injectors"]


def injected_env(credential, files_dir=None):
    """The environment AWX gives a job for a credential of our type with these input values.

    AWX renders each injector template in a sandboxed Jinja environment over the credential's inputs; an input
    left empty renders as an empty string, and a boolean as Python writes it (True, False). A file injector
    `template.NAME` is rendered into a file of the job (here in files_dir), whose path the env injectors read as
    `tower.filename.NAME`.
    """
    inputs, injectors = credential_type()
    known = {field["id"] for field in inputs["fields"]}
    unknown = set(credential) - known
    assert not unknown, "not inputs of the credential type: %s" % sorted(unknown)
    missing = [field for field in inputs.get("required", []) if field not in credential]
    assert not missing, "required inputs left out: %s" % missing
    env = ImmutableSandboxedEnvironment()
    filenames = {}
    for key, template in (injectors.get("file") or {}).items():
        name = key.split(".", 1)[1]
        directory = files_dir or tempfile.mkdtemp(prefix="awx-credential-")
        filenames[name] = os.path.join(str(directory), "credential-" + name)
        with open(filenames[name], "w", encoding="utf-8") as handle:
            handle.write(env.from_string(template).render(**credential))
    context = dict(credential, tower={"filename": filenames})
    return {name: env.from_string(template).render(**context) for name, template in injectors["env"].items()}


def clean_env(ansible_env):
    """The process environment of a job (the execution environment's): no ACRETO_* at all."""
    return {key: value for key, value in ansible_env.items() if not key.startswith("ACRETO_")}


class Job:
    """One ansible-runner run: its status, rc, stdout and job events, read from the private data dir."""

    def __init__(self, private_data_dir, process):
        self.dir = str(private_data_dir)
        self.process = process
        artifacts = os.path.join(self.dir, "artifacts", "job")
        self.status = self._read(os.path.join(artifacts, "status")).strip()
        self.rc = self._read(os.path.join(artifacts, "rc")).strip()
        self.stdout = self._read(os.path.join(artifacts, "stdout"))
        self.stderr = self._read(os.path.join(artifacts, "stderr"))
        self.event_texts = []
        for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
            self.event_texts.append(self._read(path))
        self.events = sorted((json.loads(text) for text in self.event_texts), key=lambda event: event["counter"])

    @staticmethod
    def _read(path):
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()

    def task_results(self, task_name, event="runner_on_ok"):
        """The `res` of each event of this kind whose task name ends with task_name (role prefixes left out)."""
        return [e["event_data"]["res"] for e in self.events
                if e["event"] == event and e["event_data"].get("task", "").endswith(task_name)]

    def module_results(self):
        """(task, res) of every module result, items of loops included."""
        out = []
        for e in self.events:
            if e["event"] in ("runner_on_ok", "runner_on_failed", "runner_item_on_ok", "runner_item_on_failed"):
                out.append((e["event_data"].get("task"), e["event_data"].get("res") or {}))
        return out

    def explain(self):
        return "status %s rc %s\n%s\n%s" % (self.status, self.rc, self.stdout[-6000:], self.process.stderr[-2000:])


def run_job(base_dir, env, playbook, envvars, extravars=None, cmdline=None, inventory=None, project=None, name="job"):
    """Run ansible-runner on a fresh private data dir laid out as AWX lays it out.

    env/envvars holds `envvars` (what the credential injects) and nothing else; env/extravars, env/cmdline and
    inventory/hosts.yml are written when given; `project` maps file names under project/ to YAML data.
    `env` is the process environment of the job (without ACRETO_*).
    """
    pdd = os.path.join(str(base_dir), name)
    for sub in ("env", "inventory", "project"):
        os.makedirs(os.path.join(pdd, sub))
    _write_yaml(os.path.join(pdd, "env", "envvars"), envvars)
    if extravars is not None:
        _write_yaml(os.path.join(pdd, "env", "extravars"), extravars)
    if cmdline:
        with open(os.path.join(pdd, "env", "cmdline"), "w", encoding="utf-8") as handle:
            handle.write(cmdline)
    _write_yaml(os.path.join(pdd, "inventory", "hosts.yml"), inventory or LOCALHOST_INVENTORY)
    for file_name, data in (project or {}).items():
        _write_yaml(os.path.join(pdd, "project", file_name), data)
    assert not any(key.startswith("ACRETO_") for key in env)
    process = subprocess.run(["ansible-runner", "run", pdd, "-p", playbook, "--ident", "job"], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=600, check=False)
    return Job(pdd, process)


def _write_yaml(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, default_flow_style=False, sort_keys=False)
