# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures: run a module's main() with patched arguments against an API mocked with `responses`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses
from ansible.module_utils.common import warnings as ansible_warnings

from ansible_collections.acreto.platform.plugins.module_utils import _client, _resource, _scope
from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    ENDPOINT, PASSWORD, USERNAME, FakeAcreto, FakeClock, module_args,
)


@pytest.fixture(autouse=True)
def fresh_warnings():
    """ansible-core keeps a module's warnings in the process; each test runs a module of its own."""
    for name in ("_global_warnings", "_global_deprecations"):
        getattr(ansible_warnings, name).clear()


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeAcreto(rsps)


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    for module in (_scope, _resource, _client):
        monkeypatch.setattr(module, "time", fake)
    return fake


@pytest.fixture
def run(capsys, clock):
    """run(main, **args) -> the module's result dict (whether it exited or failed)."""

    def _run(main, _connection=True, **args):
        if _connection:
            args = dict(dict(endpoint=ENDPOINT, username=USERNAME, password=PASSWORD), **args)
        with module_args(args):
            with pytest.raises(SystemExit):
                main()
        out = capsys.readouterr().out
        result = json.loads(out)
        assert PASSWORD not in out
        return result

    return _run
