"""The AWX engine for real: jobs run by ansible-runner with what the credential type injects, normal and --check --diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml

from conftest import PASSWORD, writes
from jobs import (CREDENTIAL_TYPE_FILE, DOC, GROUP_UUID, REPO, ROLE_PLAYBOOK, ROLE_THINGS, _Loader, clean_env,
                  credential_type, injected_env, run_job)
from plays import devices, ecosystem_status, log_of
from test_tls import self_signed

from acreto_sim.testing import USERNAME, SimulatorProcess

QUICKSTART_VARS = {"acreto_thing_name": "Runner camera", "acreto_thing_category": "Camera", "acreto_thing_asset_value": 4}


def credential(sim, **inputs):
    values = dict(endpoint=sim.url + "/v2", username=USERNAME, password=PASSWORD, validate_certs=True)
    values.update(inputs)
    return values


def key(field):
    return field.replace("_", "").lower()


def thing_diffs(job):
    """{thing name: (before, after)} from the diffs of every module result of the job, field names normalised.

    A module result holds one Thing's diff ({before, after} with a name) or several keyed by name; loops hold them
    per item. Field names are compared without case and underscores (assetValue and asset_value alike).
    """
    found = {}

    def add(diff):
        for one in diff if isinstance(diff, list) else [diff]:
            before, after = one.get("before") or {}, one.get("after") or {}
            if not isinstance(before, dict) or not isinstance(after, dict):
                continue
            if "name" in after or "name" in before:
                pairs = {(after or before)["name"]: (before, after)}
            else:
                pairs = {name: (before.get(name) or {}, after.get(name) or {}) for name in set(before) | set(after)}
            for name, (b, a) in pairs.items():
                found[name] = ({key(f): v for f, v in b.items()}, {key(f): v for f, v in a.items()})

    for task, res in job.module_results():
        if isinstance(res.get("diff"), (dict, list)):
            add(res["diff"])
    return found


def assert_predicted_create(diffs, name, category, asset_value, group=GROUP_UUID):
    assert name in diffs, "no diff for %s in %s" % (name, sorted(diffs))
    before, after = diffs[name]
    assert before == {}
    assert after["name"] == name
    assert after["category"] == category
    assert after["assetvalue"] == asset_value
    assert after["profilegroup"] == group
    assert not after.get("uuid")


def test_the_documented_credential_type_is_the_one_the_playbook_registers():
    inputs, injectors = credential_type()
    assert [f["id"] for f in inputs["fields"]] == ["endpoint", "username", "password", "token", "validate_certs", "ca_cert",
                                                   "timeout"]
    assert [f["id"] for f in inputs["fields"] if f.get("secret")] == ["password", "token"]
    assert {f["id"]: f["type"] for f in inputs["fields"]}["validate_certs"] == "boolean"
    plain = {"ACRETO_%s" % f.upper(): "{{ %s }}" % f for f in ("endpoint", "username", "password", "token", "validate_certs")}
    assert injectors == {"file": {"template.ca_cert": "{{ ca_cert }}"},
                         "env": dict(plain, ACRETO_CA_PATH="{% if ca_cert %}{{ tower.filename.ca_cert }}{% endif %}",
                                     ACRETO_TIMEOUT="{{ timeout | default('30', true) }}")}
    with open(os.path.join(REPO, "playbooks", "awx_credential_type.yml"), encoding="utf-8") as handle:
        play = yaml.load(handle, Loader=_Loader)[0]  # noqa: S506 - a SafeLoader subclass
    assert play["vars_files"] == [os.path.relpath(CREDENTIAL_TYPE_FILE, os.path.join(REPO, "playbooks"))]
    task = play["tasks"][0]["awx.awx.credential_type"]
    assert (task["inputs"], task["injectors"]) == ("{{ acreto_credential_type_inputs }}", "{{ acreto_credential_type_injectors }}")
    for doc in ("docs/awx.md", "README.md"):
        with open(os.path.join(REPO, doc), encoding="utf-8") as handle:
            blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", handle.read(), re.S)]
        assert inputs in blocks, "%s does not show the inputs of %s" % (doc, CREDENTIAL_TYPE_FILE)
        assert injectors in blocks, "%s does not show the injectors of %s" % (doc, CREDENTIAL_TYPE_FILE)


def test_injection_renders_like_awx(sim):
    env = injected_env(credential(sim))
    assert env == {"ACRETO_ENDPOINT": sim.url + "/v2", "ACRETO_USERNAME": USERNAME, "ACRETO_PASSWORD": PASSWORD,
                   "ACRETO_TOKEN": "", "ACRETO_VALIDATE_CERTS": "True", "ACRETO_CA_PATH": "", "ACRETO_TIMEOUT": "30"}


def test_quickstart_job_dry_run_real_run_and_dry_run_of_an_update(sim, ansible_env, tmp_path):
    env, envvars = clean_env(ansible_env), injected_env(credential(sim))

    dry = run_job(tmp_path, env, "acreto.platform.quickstart", envvars, QUICKSTART_VARS, "--check --diff", name="dry")
    assert dry.status == "successful", dry.explain()
    assert writes(log_of(sim)) == []
    assert devices(sim) == []
    diffs = thing_diffs(dry)
    assert_predicted_create(diffs, "Runner camera", "Camera", 4)
    assert dry.task_results("4. Create a new Thing")[0]["changed"] is True
    commit = dry.task_results("6. Commit changes and wait until the ecosystem is ok")[0]
    assert commit["changed"] is True and commit["status"] == "ok"

    sim.ctl("DELETE", "/requests")
    real = run_job(tmp_path, env, "acreto.platform.quickstart", envvars, QUICKSTART_VARS, name="real")
    assert real.status == "successful", real.explain()
    assert real.rc == "0"
    assert [(w["method"], w["path"].rsplit("/", 1)[-1], w["status"]) for w in writes(log_of(sim))] == [
        ("POST", "devices", 201), ("POST", "commits", 204)]
    (thing,) = devices(sim)
    assert (thing["name"], thing["category"], thing["assetValue"], thing["profileGroup"]) == ("Runner camera", "Camera", 4, GROUP_UUID)
    assert ecosystem_status(sim) == "ok"

    sim.ctl("DELETE", "/requests")
    update = dict(QUICKSTART_VARS, acreto_thing_asset_value=5)
    dry2 = run_job(tmp_path, env, "acreto.platform.quickstart", envvars, update, "--check --diff", name="dry-update")
    assert dry2.status == "successful", dry2.explain()
    assert writes(log_of(sim)) == []
    before, after = thing_diffs(dry2)["Runner camera"]
    assert (before["assetvalue"], after["assetvalue"]) == (4, 5)
    assert {f for f in after if after[f] != before.get(f)} == {"assetvalue"}
    assert devices(sim) == [thing]
    assert "~ Runner camera: asset_value 4 -> 5" in dry2.stdout  # the diff as AWX shows it in the job output


def test_role_job_dry_run_real_run_and_idempotent_rerun(sim, ansible_env, tmp_path):
    env, envvars = clean_env(ansible_env), injected_env(credential(sim))
    project = {"things.yml": ROLE_PLAYBOOK}
    extravars = {"acreto_ecosystem": DOC, "acreto_things": ROLE_THINGS}

    dry = run_job(tmp_path, env, "things.yml", envvars, extravars, "--check --diff", project=project, name="dry")
    assert dry.status == "successful", dry.explain()
    assert writes(log_of(sim)) == []
    diffs = thing_diffs(dry)
    assert_predicted_create(diffs, "Lobby camera", "Camera", 3)
    assert_predicted_create(diffs, "Door sensor", "IoT", 1)
    (commit,) = dry.task_results("Commit the ecosystem and wait until it is ok")
    assert commit["changed"] is True

    real = run_job(tmp_path, env, "things.yml", envvars, extravars, project=project, name="real")
    assert real.status == "successful", real.explain()
    assert sorted(t["name"] for t in devices(sim)) == ["Door sensor", "Lobby camera"]
    assert ecosystem_status(sim) == "ok"

    sim.ctl("DELETE", "/requests")
    again = run_job(tmp_path, env, "things.yml", envvars, extravars, "--check --diff", project=project, name="again")
    assert again.status == "successful", again.explain()
    assert writes(log_of(sim)) == []
    assert not [task for task, res in again.module_results() if res.get("changed")]
    assert again.task_results("Commit the ecosystem and wait until it is ok") == []


# A stand-in for awx.awx.credential_type (not installed here): the options of the real module, and a result that
# echoes what the playbook passed, so that the test sees the type exactly as AWX would receive it.
STAND_IN = '''#!/usr/bin/python
from __future__ import absolute_import, division, print_function
__metaclass__ = type
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        name=dict(type="str", required=True), new_name=dict(type="str"), description=dict(type="str"),
        kind=dict(type="str", choices=["ssh", "vault", "net", "scm", "cloud", "insights", "kubernetes", "galaxy"]),
        inputs=dict(type="dict"), injectors=dict(type="dict"), state=dict(type="str", default="present",
                                                                           choices=["present", "absent", "exists"]),
    ), supports_check_mode=True)
    module.exit_json(changed=True, received=module.params)


if __name__ == "__main__":
    main()
'''


def test_the_awx_credential_type_playbook_passes_the_type_untemplated(ansible_env, tmp_path):
    modules = tmp_path / "stand-in" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    (modules / "credential_type.py").write_text(STAND_IN)
    env = clean_env(ansible_env)
    env["ANSIBLE_COLLECTIONS_PATH"] = env["ANSIBLE_COLLECTIONS_PATH"] + os.pathsep + str(tmp_path / "stand-in")
    job = run_job(tmp_path, env, "acreto.platform.awx_credential_type", {}, cmdline="--check")
    assert job.status == "successful", job.explain()
    (result,) = job.task_results("Create or update the credential type Acreto Platform")
    inputs, injectors = credential_type()
    received = result["received"]
    assert (received["name"], received["kind"], received["state"]) == ("Acreto Platform", "cloud", "present")
    assert received["inputs"] == inputs
    assert received["injectors"] == injectors  # "{{ endpoint }}" reaches AWX as it is, for AWX to render


def test_a_job_reaches_an_api_behind_a_private_ca_with_the_credentials_ca_cert(ansible_env, tmp_path):
    cert, key_file = self_signed(tmp_path)
    with SimulatorProcess(["--commit-seconds", "0", "--tls-cert", str(cert), "--tls-key", str(key_file)], password=PASSWORD,
                          workdir=str(tmp_path)) as https_sim:
        env = clean_env(ansible_env)
        ecosystems = [{"name": "List the ecosystems", "register": "listed", "acreto.platform.acreto_ecosystem_info": {}},
                      {"name": "Show them", "ansible.builtin.debug": {"var": "listed.ecosystems | map(attribute='name')"}}]
        project = {"list.yml": [{"name": "List", "hosts": "all", "gather_facts": False, "tasks": ecosystems}]}
        without = run_job(tmp_path, env, "list.yml", injected_env(credential(https_sim), tmp_path), project=project,
                          name="without-ca")
        with_ca = run_job(tmp_path, env, "list.yml", injected_env(credential(https_sim, ca_cert=cert.read_text(), timeout="20"),
                                                                  tmp_path), project=project, name="with-ca")

    assert without.status == "failed"
    assert "certificate verification failed" in without.stdout
    assert with_ca.status == "successful", with_ca.explain()
    (listed,) = with_ca.task_results("List the ecosystems")
    assert sorted(eco["name"] for eco in listed["ecosystems"]) == ["Documentation Ecosystem", "Lab Ecosystem"]
