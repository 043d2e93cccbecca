"""No secret in any log: the password and every token the simulator issued stay out of output and job events at -vvvv."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
import yaml

from conftest import PASSWORD, writes
from jobs import CUSTOMER_UUID, DOC, NO_LOG_MASK, ROLE_PLAYBOOK, ROLE_THINGS, clean_env, injected_env, run_job
from plays import log_of

from acreto_sim.testing import USERNAME

WRONG_PASSWORD = "e2e-Wr0ng-password-never-logged"
ROLE_VARS = {"acreto_ecosystem": DOC, "acreto_things": ROLE_THINGS}
QUICKSTART_VARS = {"acreto_thing_name": "Secretless camera"}
# name: (playbook, extra vars, credential inputs (None: the test's username and password), expected to succeed)
SCENARIOS = {
    "quickstart": ("quickstart", QUICKSTART_VARS, None, True),
    "role": ("role", ROLE_VARS, None, True),
    "role with a token": ("role", dict(ROLE_VARS, acreto_customer=CUSTOMER_UUID), "token", True),
    "failing login": ("role", ROLE_VARS, {"password": WRONG_PASSWORD}, False),
}


# ansible-core 2.16 to 2.20 put invocation.module_args in every module result; 2.21 only when asked to.
INVOCATION = {"ANSIBLE_INJECT_INVOCATION": "true"}


class Corpus:
    """Every text the runs produced, to be searched at the end."""

    def __init__(self):
        self.texts = []

    def add(self, label, text):
        self.texts.append((label, text or ""))

    def lines(self):
        return sum(len(text.splitlines()) for dummy, text in self.texts)

    def leaks(self, secrets):
        return [(label, secret[:12] + "...") for label, text in self.texts for secret in secrets if secret in text]


def secrets_of(sim):
    """The passwords, and every token the simulator issued, with the signature part of each on its own."""
    tokens = [entry["token"] for entry in sim.ctl("GET", "/tokens").json()]
    return tokens, [PASSWORD, WRONG_PASSWORD] + tokens + [token.rsplit(".", 1)[1] for token in tokens]


def inputs_for(sim, credential):
    inputs = dict(endpoint=sim.url + "/v2", validate_certs=True)
    if credential == "token":
        inputs["token"] = sim.login()
    else:
        inputs.update(username=USERNAME, password=PASSWORD)
        inputs.update(credential or {})
    return inputs


def assert_masked_module_args(results):
    """Each module's invocation.module_args shows password and token masked (or unset), never in clear."""
    seen = 0
    for res in results:
        args = (res.get("invocation") or {}).get("module_args") or {}
        for option in ("password", "token"):
            if option in args:
                # unset, or empty as a credential without a token injects it: nothing to hide
                assert args[option] in (NO_LOG_MASK, None, ""), (option, args[option][:6] + "...")
                seen += args[option] == NO_LOG_MASK
    return seen


def run_with_runner(sim, ansible_env, tmp_path, corpus, name, mode):
    playbook, extravars, credential, ok = SCENARIOS[name]
    log_path = tmp_path / ("%s-%s.log" % (re.sub(r"\W", "-", name), mode))
    job = run_job(tmp_path, dict(clean_env(ansible_env), ANSIBLE_LOG_PATH=str(log_path), **INVOCATION),
                  "acreto.platform.quickstart" if playbook == "quickstart" else "things.yml",
                  injected_env(inputs_for(sim, credential)), extravars,
                  "-vvvv" + (" --check --diff" if mode == "check" else ""),
                  project={"things.yml": ROLE_PLAYBOOK}, name=re.sub(r"\W", "-", name))
    assert job.status == ("successful" if ok else "failed"), job.explain()
    assert "<localhost> EXEC " in job.stdout  # -vvvv took effect
    for label, text in (("stdout", job.stdout), ("stderr", job.stderr), ("process stdout", job.process.stdout),
                        ("process stderr", job.process.stderr), ("log file", log_path.read_text())):
        corpus.add("%s: %s" % (name, label), text)
    for text in job.event_texts:
        corpus.add("%s: job event" % name, text)
    masked = assert_masked_module_args(res for _task, res in job.module_results())
    return job, masked


def run_with_playbook(sim, run_playbook, tmp_path, corpus, name, mode):
    playbook, extravars, credential, ok = SCENARIOS[name]
    inputs = inputs_for(sim, credential)
    log_path = tmp_path / ("%s-%s.log" % (re.sub(r"\W", "-", name), mode))
    env = {"ACRETO_USERNAME": inputs.get("username", ""), "ACRETO_PASSWORD": inputs.get("password", ""),
           "ACRETO_TOKEN": inputs.get("token", ""), "ANSIBLE_LOG_PATH": str(log_path), **INVOCATION}
    if playbook == "role":
        path = tmp_path / ("%s.yml" % re.sub(r"\W", "-", name))
        path.write_text(yaml.safe_dump([dict(ROLE_PLAYBOOK[0], hosts="localhost", connection="local",
                                             vars={"ansible_python_interpreter": "{{ ansible_playbook_python }}"})]))
        playbook = str(path)
    else:
        playbook = "acreto.platform.quickstart"
    args = [playbook, "-vvvv", "-e", yaml.safe_dump(extravars, default_flow_style=True).strip()]
    if mode == "check":
        args += ["--check", "--diff"]
    result = run_playbook(*args, env=env, check=False)
    assert (result.returncode == 0) == ok, result.stdout[-3000:] + result.stderr[-2000:]
    assert "<localhost> EXEC " in result.stdout  # -vvvv took effect
    corpus.add("%s: stdout" % name, result.stdout)
    corpus.add("%s: stderr" % name, result.stderr)
    corpus.add("%s: log file" % name, log_path.read_text())
    # -vvvv prints each module's result with its invocation
    shown = re.findall(r'"(password|token)": ("[^"]*"|null)', result.stdout)
    assert all(value in ('"%s"' % NO_LOG_MASK, "null", '""') for _option, value in shown), shown[:5]
    return result, sum(value == '"%s"' % NO_LOG_MASK for _option, value in shown)


@pytest.mark.parametrize("engine", ["ansible-playbook", "ansible-runner"])
@pytest.mark.parametrize("mode", ["normal", "check"])
def test_no_password_or_token_in_any_log(sim, ansible_env, run_playbook, tmp_path, engine, mode):
    corpus = Corpus()
    masked = 0
    for name in SCENARIOS:
        if engine == "ansible-runner":
            outcome, seen = run_with_runner(sim, ansible_env, tmp_path, corpus, name, mode)
        else:
            outcome, seen = run_with_playbook(sim, run_playbook, tmp_path, corpus, name, mode)
        masked += seen
        if name == "failing login":
            text = outcome.stdout
            assert "401" in text and "auth/login" in text, text[-3000:]

    if mode == "check":
        assert writes(log_of(sim)) == []
    tokens, secrets = secrets_of(sim)
    # the module runs logged in (one token each) and the token credential was issued before them
    assert len(tokens) >= 8
    assert corpus.leaks(secrets) == []
    lines = corpus.lines()
    assert lines > 500 and masked >= 8
    print("%s, %s mode: searched %d lines (%d texts) for %d secrets; %d masked module args"
          % (engine, mode, lines, len(corpus.texts), len(secrets), masked))


def test_the_search_finds_a_secret_that_is_there(sim, run_playbook, tmp_path):
    """The search itself works: a token printed on purpose is found."""
    token = sim.login()
    path = tmp_path / "leak.yml"
    path.write_text(yaml.safe_dump([{"name": "Leak on purpose", "hosts": "localhost", "gather_facts": False,
                                     "tasks": [{"name": "Print it", "ansible.builtin.debug": {"msg": "{{ leaked }}"}}]}]))
    result = run_playbook(str(path), "-e", "leaked=" + token)
    corpus = Corpus()
    corpus.add("stdout", result.stdout)
    assert corpus.leaks(secrets_of(sim)[1]) == [("stdout", token[:12] + "..."), ("stdout", token.rsplit(".", 1)[1][:12] + "...")]
