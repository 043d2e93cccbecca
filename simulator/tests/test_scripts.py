"""The scripts shipped beside the simulator: the curl smoke test and the benchmark."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import USERNAME

SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")


def run_curl_script(sim, password, **extra_env):
    missing = [tool for tool in ("curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.fail("the curl smoke test needs %s on PATH (Debian: apt-get install curl jq)" % " and ".join(missing))
    env = {k: v for k, v in os.environ.items() if k != "CURL_CA_BUNDLE"}
    env.update(ENDPOINT=sim.url + "/v2", USERNAME=USERNAME, PASSWORD=password, POLL_INTERVAL="0.2", **extra_env)
    return subprocess.run(["bash", os.path.join(SCRIPTS, "curl-quickstart.sh")], capture_output=True, text=True,
                          env=env, timeout=60)


def test_document_curl_commands_work_as_written(sim):
    sim.ctl("DELETE", "/requests")
    result = run_curl_script(sim, sim.password)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all 7 steps passed" in result.stdout
    assert "statuses seen: commit_in_progress ok" in result.stdout
    log = [(r["method"], r["path"].split("/")[-1], r["status"]) for r in sim.ctl("GET", "/requests").json()]
    assert log[:6] == [("POST", "login", 200), ("GET", "ecosystems", 200), ("GET", "groups", 200),
                       ("POST", "devices", 201), ("GET", log[4][1], 200), ("POST", "commits", 204)]
    assert log[-1] == ("GET", "049d6701-a8d3-ca61-662e-3f6adbbd4156", 200)


def test_curl_script_fails_on_a_failed_step(sim):
    result = run_curl_script(sim, "wrong-password")
    assert result.returncode == 1
    assert "step 1 (login) failed" in result.stderr and "401" in result.stderr

    sim.ctl("POST", "/faults", json={"method": "POST", "path": "/commits$", "status": 503, "count": 1})
    result = run_curl_script(sim, sim.password)
    assert result.returncode == 1
    assert "step 6 (commit) failed" in result.stderr


def test_benchmark_script_runs(sim):
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "bench.py"), "--url", sim.url,
                             "--password", sim.password, "--requests", "300", "--clients", "1"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.search(r": 300 requests in [\d.]+ s with 1 http.client client processes, 0 errors: \d+ requests/second$",
                     result.stdout.strip()), result.stdout


def test_benchmark_refuses_addresses_off_loopback():
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "bench.py"), "--url", "http://10.1.2.3:8080",
                             "--password", "x"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "only loopback" in result.stderr


def readme_control_commands():
    """The commands of the console block of README.md's "Control API" section."""
    with open(os.path.join(os.path.dirname(SCRIPTS), "README.md"), encoding="utf-8") as handle:
        section = handle.read().split("## Control API", 1)[1]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def test_readme_control_api_examples_are_accepted(start_sim):
    sim = start_sim()
    commands = readme_control_commands()
    assert sum("curl" in command for command in commands) >= 15, commands
    # -f: curl fails on an HTTP error, such as the 415 of a write without the JSON content type
    script = "\n".join(command.replace("SIM=http://127.0.0.1:8080", "SIM=" + sim.url).replace("curl -s ", "curl -sf ")
                       for command in commands)
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sim.ctl("GET", "/faults").json() == []  # added, then cleared by the block
    assert sim.ctl("GET", "/config").json()["latency_ms"] == 25.0
