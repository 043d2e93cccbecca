# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the event source acreto.platform.ecosystem_events: its main() on an event loop of pytest-asyncio,
talking HTTP to a real simulator.

The source is imported from the installed collection (`make build` installs it into ./collections;
E2E_COLLECTIONS_PATH points elsewhere), the copy that ansible-rulebook runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import contextlib
import json
import os
import sys

import pytest
import pytest_asyncio

from acreto_sim.testing import USERNAME, SimulatorProcess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.environ.get("E2E_COLLECTIONS_PATH", os.path.join(REPO, "collections"))
if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform")):
    raise pytest.UsageError("the collection is not installed in %s: run `make build` first" % COLLECTIONS)
sys.path.insert(0, COLLECTIONS)

PASSWORD = "eda-Pa55word-never-in-events"
CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
DOC = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
LAB = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
GROUP = "06f93ee9-3153-3111-8150-01b3d5389106"
ECOSYSTEMS = "/customers/%s/ecosystems" % CUSTOMER


def ctl(sim, method, path, body=None):
    """A call to the simulator's control API, /_sim, that must work."""
    response = sim.ctl(method, path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def api(sim, method, path, body=None):
    """A call to the API, /v2, as the quick start's user, that must work."""
    response = sim.api(method, path, json=body, token=sim.login(password=PASSWORD))
    assert response.status_code < 300, response.text
    return response.json() if response.text else None


def set_status(sim, ecosystem=DOC, **body):
    ctl(sim, "POST", "/ecosystems/%s/status" % ecosystem, body)


def requests_to(sim, method, suffix):
    """The API requests of the request log with this method whose path ends with suffix."""
    return [entry for entry in ctl(sim, "GET", "/requests") if entry["method"] == method and entry["path"].endswith(suffix)]


@pytest.fixture(scope="session")
def sim_server(tmp_path_factory):
    with SimulatorProcess(["--commit-seconds", "0"], password=PASSWORD,
                          workdir=str(tmp_path_factory.mktemp("sim"))) as sim:
        yield sim


@pytest.fixture
def sim(sim_server):
    """The shared simulator, back at its seed state, with an empty request log."""
    ctl(sim_server, "POST", "/reset")
    return sim_server


@pytest.fixture
def credentials(sim):
    return {"endpoint": sim.url + "/v2", "username": USERNAME, "password": PASSWORD}


@pytest.fixture(autouse=True)
def no_acreto_environment(monkeypatch):
    """The source reads ACRETO_*; a test sees only the variables it sets."""
    for name in list(os.environ):
        if name.startswith("ACRETO_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def source_module():
    from ansible_collections.acreto.platform.extensions.eda.plugins.event_source import ecosystem_events

    return ecosystem_events


class SourceRun:
    """One running source: main(queue, args) as a task on the test's event loop."""

    def __init__(self, module, args):
        self.queue = asyncio.Queue()
        self.task = asyncio.ensure_future(module.main(self.queue, dict(args)))
        self.events = []

    async def next(self, timeout=5.0):
        """The `acreto` part of the next event; fails when none comes within timeout or the source ended."""
        getter = asyncio.ensure_future(self.queue.get())
        done, dummy = await asyncio.wait({getter, self.task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            event = getter.result()
            self.events.append(event)
            return event["acreto"]
        getter.cancel()
        if self.task.done():
            raise AssertionError("the source ended: %r" % (self.task.exception(),))
        raise AssertionError("no event within %s s" % timeout)

    async def quiet(self, seconds):
        """Wait; the source must still run and must have emitted nothing meanwhile."""
        await asyncio.sleep(seconds)
        assert not self.task.done(), self.task.exception()
        assert self.queue.empty(), "unexpected event: %r" % self.queue.get_nowait()

    async def ended(self, timeout=10.0):
        """The exception the source ended with."""
        done, dummy = await asyncio.wait({self.task}, timeout=timeout)
        assert done, "the source still runs after %s s" % timeout
        return self.task.exception()

    async def stop(self):
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task


@pytest_asyncio.fixture
async def start_source(source_module, sim_server):
    """Start sources; at the end each is stopped, and no event may hold the password or a token the simulator issued."""
    runs = []

    def start(args):
        run = SourceRun(source_module, args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        await run.stop()
    secrets = [PASSWORD] + [entry["token"] for entry in ctl(sim_server, "GET", "/tokens")]
    for run in runs:
        text = json.dumps(run.events)
        assert not [secret for secret in secrets if secret in text], "a secret is in an event"
