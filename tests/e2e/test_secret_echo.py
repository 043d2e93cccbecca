"""An API that echoes the password and the token back, in every shape a careless API could, at -vvvv.

A fake API (not the simulator: it must misbehave) answers each task in one of the shapes below, chosen by the
first part of the endpoint's path. The play runs through ansible-playbook and through ansible-runner, as AWX runs
jobs. No 12-character piece of the token and no 10-character piece of the password may appear anywhere: the
output, the registered results, api_error, or the runner's artifacts other than the files that hold the job's
environment, and with it the credential, on purpose (env/ and artifacts/<ident>/command).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import html
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from jobs import clean_env, run_job
from plays import output, run_play

USERNAME = "someone@somedomain.com"
# runs of spaces and a tab: an API that squeezes white space echoes it in a form Ansible does not recognise
PASSWORD = "e2e  echoed\tpass word-7Qz"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlY2hvLXRlc3QiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLWVjaG9lZC1iYWNr"
CUSTOMER = {"name": "Documentation", "uuid": "6741632b-b337-4cd0-3cbc-e900e2c77fa3"}

# shape: (what the login answers, what the list of ecosystems answers), each (status, content type, body, headers)
LOGIN_OK = (200, "application/json", json.dumps({"accessToken": TOKEN, "customers": [CUSTOMER]}), {})
SHAPES = {
    "long-message-ending-in-the-token": (LOGIN_OK, (400, "application/json", json.dumps({"message": "x" * 230 + " token=" + TOKEN}), {})),
    "token-as-a-json-key": (LOGIN_OK, (400, "application/json", json.dumps({"message": "bad", "seen": {TOKEN: PASSWORD}}), {})),
    "token-in-an-html-page": (LOGIN_OK, (502, "text/html", "<html><title>Proxy error for %s</title></html>" % html.escape(TOKEN), {})),
    "token-and-password-in-a-redirect": (LOGIN_OK, (302, "text/plain", "", {
        "Location": "https://sso.example/login?t=%s&p=%s" % (quote(TOKEN, safe=""), quote(PASSWORD, safe=""))})),
    "token-url-encoded-in-text": (LOGIN_OK, (400, "text/plain", "denied for " + quote(TOKEN, safe="") + "\n", {})),
    "password-at-character-190": ((401, "application/json", json.dumps({"message": "y" * 188 + PASSWORD}), {}), None),
    "password-squeezed": ((401, "application/json", json.dumps({"message": "no user with password " + " ".join(PASSWORD.split())}), {}), None),
    "password-json-escaped-in-text": ((401, "text/plain", "login refused: " + json.dumps({"password": PASSWORD}), {}), None),
    "password-html-escaped": ((401, "text/html", "<p>password &quot;%s&quot; is wrong</p>" % html.escape(PASSWORD), {}), None),
    "password-as-a-json-key": ((401, "application/json", json.dumps({"message": "bad", PASSWORD: "was given"}), {}), None),
}


class EchoingApi(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        shape, rest = self.path.strip("/").split("/", 1)
        login, ecosystems = SHAPES[shape]
        status, content_type, body, headers = login if rest == "v2/auth/login" else ecosystems
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echoing_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


# The credentials come from the environment, as an AWX credential injects them: a password written into the
# play would be shown by ansible-core itself, which prints the lines of a failed task.
CREDENTIALS = {"ACRETO_USERNAME": USERNAME, "ACRETO_PASSWORD": PASSWORD, "ANSIBLE_INJECT_INVOCATION": "true"}


def tasks(api):
    return [{"name": shape, "register": shape.replace("-", "_"), "ignore_errors": True,
             "acreto.platform.acreto_ecosystem_info": {"endpoint": "%s/%s/v2" % (api, shape)}}
            for shape in SHAPES]


def pieces(secret, size):
    squeezed = " ".join(secret.split())
    return {text[i:i + size] for text in (secret, squeezed, quote(secret, safe=""), json.dumps(secret)[1:-1])
            for i in range(0, max(1, len(text) - size + 1))}


def leaks(label, text):
    found = [piece for piece in pieces(TOKEN, 12) if piece in text] + [piece for piece in pieces(PASSWORD, 10) if piece in text]
    return ["%s: %r" % (label, piece) for piece in sorted(set(found))]


def test_every_shape_fails_each_task_in_one_line_and_nothing_leaks_through_ansible_playbook(echoing_api, run_playbook, tmp_path):
    proc, results = run_play(run_playbook, tmp_path, tasks(echoing_api), args=("-vvvv",), env=CREDENTIALS)

    assert proc.returncode == 0, output(proc)[-3000:]
    for shape in SHAPES:
        result = results[shape.replace("-", "_")]
        assert result["failed"] is True, (shape, result)
        assert "\n" not in result["msg"] and "Traceback" not in json.dumps(result), (shape, result)
    problems = leaks("ansible-playbook output", output(proc)) + leaks("registered results", json.dumps(results))
    assert problems == []


def test_nothing_leaks_through_ansible_runner_artifacts(echoing_api, ansible_env, tmp_path):
    play = [{"name": "Echo", "hosts": "all", "gather_facts": False, "tasks": tasks(echoing_api)}]

    job = run_job(tmp_path, clean_env(ansible_env), "echo.yml", CREDENTIALS, cmdline="-vvvv", project={"echo.yml": play})

    assert job.status == "successful", job.explain()
    problems = []
    for path in glob.glob(os.path.join(job.dir, "artifacts", "**", "*"), recursive=True):
        # ansible-runner writes the job's environment, the injected credential with it, into env/ and into
        # artifacts/<ident>/command (mode 0600) on purpose; docs/awx.md says so
        if os.path.isfile(path) and os.sep + "env" + os.sep not in path and os.path.basename(path) != "command":
            with open(path, encoding="utf-8", errors="replace") as handle:
                problems += leaks(os.path.relpath(path, job.dir), handle.read())
    assert problems == []
    # the runner did see the failures it hid the secrets of
    assert len([e for e in job.events if e["event"] == "runner_on_failed"]) == len(SHAPES)
