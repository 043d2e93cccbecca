"""A real acreto-sim process for tests of this package and of the collection.

    with SimulatorProcess(["--commit-seconds", "0"], workdir=tmp) as sim:
        sim.api("GET", "/customers/...")      # /v2, with the token of sim.login()
        sim.ctl("POST", "/reset")              # /_sim, the control API

Needs the requests library (the package's `test` extra).
"""

import os
import select
import signal
import subprocess
import sys
import time

import requests

USERNAME = "someone@somedomain.com"


class SimulatorProcess:
    """One acreto-sim process. `api(...)` calls /v2, `ctl(...)` calls /_sim."""

    def __init__(self, args=(), password="quick-start-pw", env=None, *, workdir):
        self.args = list(args)
        self.password = password
        if env is None:
            env = {k: v for k, v in os.environ.items() if k != "ACRETO_SIM_PASSWORD"}
        self.env = dict(env)
        self.workdir = workdir
        self.proc = None
        self.url = None
        self.stderr_path = None
        self.session = requests.Session()
        self.verify = True
        self.token = None

    def command(self):
        cmd = [sys.executable, "-m", "acreto_sim", "--host", "127.0.0.1", "--port", "0"]
        if self.password is not None:
            cmd += ["--password", self.password]
        return cmd + self.args

    def start(self, timeout=20):
        self.stderr_path = os.path.join(self.workdir, "sim-%d.err" % time.monotonic_ns())
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=err, env=self.env,
                                         text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith(("http://", "https://")):
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("simulator did not start: stdout %r, stderr %r" % (line, self.stderr()))
        self.url = line
        return self

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def stop(self):
        self.session.close()  # idle keep-alive connections would hold up the graceful shutdown
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def request(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        token = self.token if token is None else token
        if token:
            headers.setdefault("Authorization", "Bearer " + token)
        kwargs.setdefault("timeout", 10)
        kwargs.setdefault("verify", self.verify)
        return self.session.request(method, self.url + path, headers=headers, **kwargs)

    def api(self, method, path, **kwargs):
        return self.request(method, "/v2" + path, **kwargs)

    def ctl(self, method, path, **kwargs):
        """A control API call; it takes only JSON, so every call says so, with or without a body."""
        kwargs.setdefault("token", "")
        kwargs.setdefault("headers", {}).setdefault("Content-Type", "application/json")
        return self.request(method, "/_sim" + path, **kwargs)

    def login(self, username=USERNAME, password=None):
        response = self.api("POST", "/auth/login", token="",
                            json={"username": username, "password": password or self.password})
        assert response.status_code == 200, response.text
        return response.json()["accessToken"]

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc_info):
        self.stop()
