"""The command line: start-up, flags, seed files, and one-line errors on bad input."""

import json
import os
import re
import socket
import subprocess
import sys

import pytest

from conftest import CUSTOMER, DEVICES_PATH, ECOSYSTEM_PATH, GROUP, USERNAME, Sim, assert_error


def run_cli(*args, timeout=30):
    """The simulator as a separate process, as a user starts it."""
    environ = dict(os.environ)
    environ.pop("ACRETO_SIM_PASSWORD", None)
    return subprocess.run([sys.executable, "-m", "acreto_sim", *args], capture_output=True, text=True,
                          timeout=timeout, env=environ)


@pytest.fixture
def main(capsys, monkeypatch):
    """The same entry point in this process, for the many inputs that must fail before serving (faster)."""
    import uvicorn

    from acreto_sim import cli

    def refuse(*_args, **_kwargs):
        raise AssertionError("the simulator started although its input was bad")

    monkeypatch.setattr(uvicorn.Server, "run", refuse)
    monkeypatch.delenv("ACRETO_SIM_PASSWORD", raising=False)

    def call(*args):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return call


def assert_one_line_error(result, *words, code=None):
    assert result.returncode != 0
    if code is not None:
        assert result.returncode == code
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("acreto-sim: error: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.mark.parametrize("args,words", [
    (["--bogus"], ["unrecognized arguments: --bogus"]),
    (["--port", "http"], ["--port", "not a port number"]),
    (["--port", "70000"], ["--port", "between 0 and 65535"]),
    (["--commit-seconds", "-1"], ["--commit-seconds", "0 or more"]),
    (["--token-ttl", "0"], ["--token-ttl", "1 or more"]),
    (["--latency-ms", "-5"], ["--latency-ms", "0 or more"]),
    (["--latency-ms", "fast"], ["--latency-ms", "not a number"]),
    (["--latency-ms", "inf"], ["--latency-ms", "at most 600000"]),
    (["--latency-jitter-ms", "nan"], ["--latency-jitter-ms", "0 or more"]),
    (["--log-level", "loud"], ["--log-level", "invalid choice"]),
])
def test_bad_flags(main, args, words):
    assert_one_line_error(main(*args), *words, code=2)


def test_unknown_flag_in_a_real_process():
    assert_one_line_error(run_cli("--bogus", "--port", "0"), "unrecognized arguments: --bogus", code=2)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("name,text,words", [
    ("broken.yaml", "users: [\n  - {uuid: x\n", ["seed file", "not valid YAML or JSON"]),
    ("broken.json", '{"users": [}', ["seed file", "not valid YAML or JSON"]),
    ("list.yaml", "- a\n- b\n", ["must hold a mapping"]),
    ("empty.yaml", "", ["must hold a mapping"]),
    ("nousers.yaml", "customers: []\n", ["invalid seed file", "users: field required"]),
    ("badfield.yaml", "users: [{uuid: u1, username: a, colour: red}]\n", ["colour"]),
    ("badref.yaml", "users: [{uuid: u1, username: a, customers: [c9]}]\n", ["unknown customer c9"]),
    ("badgroup.yaml", "users: [{uuid: u1, username: a, customers: [c1]}]\ncustomers: [{uuid: c1, name: C, "
                      "ecosystems: [{uuid: e1, name: E, groups: [], devices: [{name: d, profileGroup: g9}]}]}]\n",
     ["profileGroup", "g9"]),
])
def test_bad_seed_files(main, tmp_path, name, text, words):
    assert_one_line_error(main("--port", "0", "--seed", write(tmp_path, name, text)), *words, code=1)


def test_broken_seed_file_in_a_real_process(tmp_path):
    seed = write(tmp_path, "broken.yaml", "users: [\n  - {uuid: x\n")
    assert_one_line_error(run_cli("--port", "0", "--seed", seed), "not valid YAML or JSON", code=1)


def test_missing_seed_file(main, tmp_path):
    assert_one_line_error(main("--port", "0", "--seed", str(tmp_path / "nope.yaml")), "cannot read seed file",
                          "No such file", code=1)


def test_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("--port", str(port), "--password", "x")
    assert_one_line_error(result, "cannot listen on 127.0.0.1 port %d" % port, "in use", code=1)


def test_missing_certificate_in_a_real_process(tmp_path):
    key = write(tmp_path, "key.pem", "not a key\n")
    assert_one_line_error(run_cli("--port", "0", "--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", key),
                          "--tls-cert", "missing.pem", "no such file", code=1)


def test_tls_errors(main, tmp_path):
    cert = write(tmp_path, "cert.pem", "not a certificate\n")
    key = write(tmp_path, "key.pem", "not a key\n")
    assert_one_line_error(main("--tls-cert", cert, "--tls-key", str(tmp_path / "missing.pem")),
                          "--tls-key", "no such file", code=1)
    assert_one_line_error(main("--tls-cert", cert), "--tls-cert and --tls-key", code=1)
    assert_one_line_error(main("--tls-cert", cert, "--tls-key", key), "cannot load TLS certificate", code=1)


def test_other_bad_input(main, tmp_path):
    assert_one_line_error(main("--password", ""), "--password", code=1)
    state = write(tmp_path, "state.json", "{half")
    assert_one_line_error(main("--port", "0", "--state", state), "state file", code=1)
    other = write(tmp_path, "other.json", '{"hello": 1}')
    assert_one_line_error(main("--port", "0", "--state", other), "not an acreto-sim state file", code=1)
    assert_one_line_error(main("--url-file", str(tmp_path / "no" / "dir" / "url")), "--url-file", code=1)
    assert_one_line_error(main("--port", "0", "--state", str(tmp_path / "no" / "state.json")),
                          "cannot write state file", code=1)


def test_help_and_version(main):
    result = main("--help")
    assert result.returncode == 0
    for flag in ("--host", "--allow-remote", "--port", "--commit-seconds", "--token-ttl", "--latency-ms",
                 "--latency-jitter-ms", "--login-expiry-field", "--tls-cert", "--tls-key", "--state", "--seed",
                 "--password", "--url-file", "--log-level"):
        assert flag in result.stdout
    result = main("--version")
    assert result.returncode == 0 and re.match(r"^acreto-sim \d+\.\d+\.\d+$", result.stdout.strip())


def readme_generated_password_lines():
    """The lines that simulator/README.md shows for a generated password, with the password as PW."""
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")) as handle:
        block = handle.read().split("a password is generated", 1)[1].split("```\n", 2)[1]
    lines = block.splitlines()
    return [line.rsplit(": ", 1)[0] + ": PW" for line in lines]


def test_generated_password_ready_line_url_file_and_clean_stop(tmp_path):
    url_file = tmp_path / "url"
    sim = Sim(["--url-file", str(url_file)], password=None, workdir=str(tmp_path)).start()
    try:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", sim.url)
        assert int(sim.url.rsplit(":", 1)[1]) > 0
        assert url_file.read_text() == sim.url + "\n"
        match = re.search(r"^acreto-sim: password for someone@somedomain\.com: (\S+)$", sim.stderr(), re.M)
        assert match, sim.stderr()
        printed = re.findall(r"^acreto-sim: password for \S+: \S+$", sim.stderr(), re.M)
        assert [line.replace(match.group(1), "PW") for line in printed] == readme_generated_password_lines()
        sim.password = match.group(1)
        sim.token = sim.login()
        assert sim.api("GET", ECOSYSTEM_PATH).status_code == 200
        # the default timings
        assert sim.ctl("GET", "/config").json() == {"commit_seconds": 3.0, "token_ttl": 600,
                                                    "login_expiry_field": False, "latency_ms": 0.0,
                                                    "latency_jitter_ms": 0.0, "page_size": 0,
                                                    "thing_extra_fields": {}}
        assert sim.proc.stdout.read(0) == ""
    finally:
        assert sim.stop() == 0
    assert "Traceback" not in sim.stderr()
    assert not url_file.exists()


def test_password_from_environment(tmp_path):
    sim = Sim(password=None, env=dict(os.environ, ACRETO_SIM_PASSWORD="from-env"), workdir=str(tmp_path)).start()
    try:
        assert "password for" not in sim.stderr()
        sim.password = "from-env"
        assert sim.login()
    finally:
        sim.stop()


def test_seed_file_replaces_the_default_data(tmp_path, start_sim):
    seed = {
        "users": [
            {"uuid": "11111111-1111-4111-8111-111111111111", "username": "ops@example.com", "fullName": "Op",
             "password": "seed-pw", "customers": ["22222222-2222-4222-8222-222222222222"]},
            {"uuid": "11111111-1111-4111-8111-999999999999", "username": "dev@example.com",
             "customers": ["22222222-2222-4222-8222-222222222222"]},
        ],
        "customers": [{
            "uuid": "22222222-2222-4222-8222-222222222222", "name": "Example",
            "ecosystems": [{
                "uuid": "33333333-3333-4333-8333-333333333333", "name": "Prod", "status": "pending_changes",
                "created": "2024-02-29T08:00:00Z", "nsps": [{"name": "FRA1", "status": "yellow"}],
                "groups": [{"name": "Sensors", "uuid": "44444444-4444-4444-8444-444444444444"}],
                "devices": [{"uuid": "55555555-5555-4555-8555-555555555555", "name": "s1", "assetValue": 3,
                             "profileGroup": "44444444-4444-4444-8444-444444444444"}],
            }],
        }],
    }
    sim = start_sim(["--seed", write(tmp_path, "seed.json", json.dumps(seed))], password="cli-pw")
    assert_error(sim.api("POST", "/auth/login", json={"username": USERNAME, "password": "cli-pw"}), 401)
    assert_error(sim.api("POST", "/auth/login", json={"username": "ops@example.com", "password": "cli-pw"}), 401)
    assert sim.login("dev@example.com", "cli-pw")
    sim.token = sim.login("ops@example.com", "seed-pw")
    eco = "/customers/22222222-2222-4222-8222-222222222222/ecosystems/33333333-3333-4333-8333-333333333333"
    assert sim.api("GET", eco).json() == {
        "created": "2024-02-29T08:00:00.000Z", "name": "Prod", "nsps": [{"name": "FRA1", "status": "yellow"}],
        "owner": {"fullName": "Op", "username": "ops@example.com", "uuid": "11111111-1111-4111-8111-111111111111"},
        "status": "pending_changes", "uuid": "33333333-3333-4333-8333-333333333333"}
    [device] = sim.api("GET", eco + "/devices").json()
    assert device["name"] == "s1" and device["assetValue"] == 3 and device["expiry"]["type"] == ""
    sim.api("DELETE", eco + "/devices/" + device["uuid"])
    assert sim.api("GET", eco + "/devices").json() == []
    sim.ctl("POST", "/reset")
    assert [d["uuid"] for d in sim.api("GET", eco + "/devices").json()] == [device["uuid"]]
    assert_error(sim.api("GET", "/customers/%s/ecosystems" % CUSTOMER), 404)


def test_yaml_seed_with_unquoted_timestamps(tmp_path, start_sim):
    seed = (
        "users: [{uuid: u1, username: a@b.c, customers: [c1]}]\n"
        "customers:\n"
        "  - uuid: c1\n    name: C\n    ecosystems:\n"
        "      - uuid: e1\n        name: E\n        created: 2021-01-02T03:04:05Z\n"
        "        groups: [{uuid: g1, name: G}]\n"
        "        devices: [{name: d, profileGroup: g1, expiry: {time: 2030-01-01T00:00:00Z, type: date}}]\n"
    )
    sim = start_sim(["--seed", write(tmp_path, "seed.yaml", seed)])
    sim.token = sim.login("a@b.c")
    assert sim.api("GET", "/customers/c1/ecosystems/e1").json()["created"] == "2021-01-02T03:04:05.000Z"
    [device] = sim.api("GET", "/customers/c1/ecosystems/e1/devices").json()
    assert device["expiry"] == {"time": "2030-01-01T00:00:00.000Z", "type": "date"}
    assert sim.api("POST", "/customers/c1/ecosystems/e1/devices", json={"name": "x", "profileGroup": "g1"}) \
        .status_code == 201


def test_state_file_keeps_data_across_restarts(tmp_path):
    state = tmp_path / "state.json"
    first = Sim(["--state", str(state)], workdir=str(tmp_path)).start()
    try:
        first.token = first.login()
        assert state.exists()
        things = [first.api("POST", DEVICES_PATH, json={"name": "kept%d" % i, "profileGroup": GROUP}).json()
                  for i in range(4)]
        first.ctl("PATCH", "/config", json={"commit_seconds": 60})
        assert first.api("POST", "/customers/%s/ecosystems/7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11/commits"
                         % CUSTOMER).status_code == 204
        token = first.token
    finally:
        assert first.stop() == 0
    assert json.loads(state.read_text())["version"] == 1
    assert oct(state.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".acreto-sim")) == []

    second = Sim(["--state", str(state)], workdir=str(tmp_path)).start()
    try:
        second.token = token  # tokens stay valid across a restart
        assert second.api("GET", DEVICES_PATH).json() == things  # in their order of creation
        assert second.api("GET", ECOSYSTEM_PATH).json()["status"] == "pending_changes"
        lab = second.api("GET", "/customers/%s/ecosystems/7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11" % CUSTOMER)
        assert lab.json()["status"] == "commit_in_progress"  # the commit clock survives the restart
        second.ctl("POST", "/reset")
        assert second.api("GET", DEVICES_PATH).json() == []
    finally:
        second.stop()
    saved = json.loads(state.read_text())
    assert all(not eco["devices"] for eco in saved["ecosystems"].values()
               if eco["customer"] == CUSTOMER)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.com"])
def test_a_host_other_than_loopback_needs_allow_remote(main, host):
    assert_one_line_error(main("--host", host, "--port", "0"), "--host %s" % host, "--allow-remote", code=1)


def test_allow_remote_listens_with_a_warning_and_the_control_api_keeps_its_host_check(tmp_path):
    sim = Sim(["--host", "0.0.0.0", "--allow-remote"], workdir=str(tmp_path)).start()
    try:
        assert sim.url.startswith("http://0.0.0.0:")
        warnings = [line for line in sim.stderr().splitlines() if "warning" in line]
        assert warnings == ["acreto-sim: warning: listening on 0.0.0.0: other machines can reach the API and the "
                            "control API (/_sim), which needs no token; without --tls-cert passwords and tokens "
                            "travel in clear text"], sim.stderr()
        assert sim.login()
        # the Host it was started for, and loopback, are served; a name that a rebinding page would use is not
        assert sim.ctl("GET", "/config").status_code == 200
        assert sim.ctl("GET", "/config", headers={"Host": "localhost"}).status_code == 200
        assert_error(sim.ctl("GET", "/tokens", headers={"Host": "evil.example"}), 421)
    finally:
        assert sim.stop() == 0


def test_loopback_hosts_need_no_allow_remote_and_print_no_warning(tmp_path):
    sim = Sim(["--host", "localhost"], workdir=str(tmp_path)).start()
    try:
        assert sim.url.startswith("http://localhost:")
        assert sim.login()
        assert "warning" not in sim.stderr()
    finally:
        assert sim.stop() == 0
