# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Acreto API mocked with `responses`, module arguments patched, and a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
from unittest import mock

from ansible.module_utils import basic

ENDPOINT = "https://api.acreto.test/v2"
USERNAME = "someone@somedomain.com"
PASSWORD = "s3cret-pw"
TOKEN = "tok-1234567890"

CUSTOMER = {"name": "Documentation", "uuid": "6741632b-b337-4cd0-3cbc-e900e2c77fa3"}
OTHER_CUSTOMER = {"name": "Other Customer", "uuid": "2d7f9b14-6c3a-4e81-9f02-b5e8a7c4d613"}
DOC_ECO = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
LAB_ECO = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
GROUP = {"name": "Profile Group 1", "uuid": "06f93ee9-3153-3111-8150-01b3d5389106"}
CAMERAS = {"name": "Cameras", "uuid": "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64"}
ZERO_EXPIRY = {"time": "0001-01-01T00:00:00.000Z", "type": ""}
ECO_PATH = "/customers/%s/ecosystems/%s" % (CUSTOMER["uuid"], DOC_ECO)
DEVICES = ECO_PATH + "/devices"


def ecosystem(name="Documentation Ecosystem", uuid=DOC_ECO, status="ok"):
    return {"created": "2020-09-30T10:24:00.000Z", "name": name, "nsps": [{"name": "EWR1", "status": "green"}],
            "owner": {"fullName": "John Doe", "username": USERNAME, "uuid": "5fdb6311-d058-0c36-de65-eff41e0ca063"},
            "status": status, "uuid": uuid}


def thing(name="cam-01", uuid="c86c8910-1770-818b-a0c8-cf9d91201255", **fields):
    obj = {"assetValue": 1, "category": "IoT", "expiry": dict(ZERO_EXPIRY), "name": name,
           "profileGroup": GROUP["uuid"], "type": "device", "uuid": uuid}
    obj.update(fields)
    return obj


def options(obj):
    """A Thing of the API in the shape of the options, as diffs and acreto_things show it."""
    return {"name": obj["name"], "uuid": obj.get("uuid"), "profile_group": obj["profileGroup"], "type": obj["type"],
            "category": obj["category"], "asset_value": obj["assetValue"], "expiry": obj["expiry"]}


@contextlib.contextmanager
def module_args(args):
    """Expose args to AnsibleModule: patch_module_args on ansible-core >= 2.19, _ANSIBLE_ARGS before."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        patch_module_args = None
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()))
        if hasattr(basic, "_ANSIBLE_PROFILE"):
            stack.enter_context(mock.patch.object(basic, "_ANSIBLE_PROFILE", "legacy"))
        yield


class FakeClock:
    """Replaces the time module of the module code: sleeps advance a fake clock and are recorded."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeAcreto:
    """The API, mocked: register what it answers, then inspect what the module sent."""

    def __init__(self, rsps):
        self.rsps = rsps

    def url(self, path):
        return ENDPOINT + path

    def add(self, method, path, json=None, status=200, **kwargs):
        if json is None and "body" not in kwargs:
            kwargs["body"] = ""
        self.rsps.add(method, self.url(path), json=json, status=status, **kwargs)

    def login(self, customers=(CUSTOMER,), **extra):
        self.add("POST", "/auth/login", dict(accessToken=TOKEN, customers=list(customers), **extra))

    def ecosystems(self, *ecosystems):
        self.add("GET", "/customers/%s/ecosystems" % CUSTOMER["uuid"],
                 list(ecosystems) or [ecosystem(), ecosystem("Lab Ecosystem", LAB_ECO)])

    def ecosystem_reads(self, *statuses, path=ECO_PATH):
        """Successive GETs of the ecosystem answer these statuses (the last one repeats)."""
        for status in statuses:
            self.add("GET", path, ecosystem(status=status))

    def groups(self, *groups):
        self.add("GET", ECO_PATH + "/groups", list(groups) or [GROUP, CAMERAS])

    def devices(self, *things):
        self.add("GET", DEVICES, list(things))

    def standard(self, *things, status="ok"):
        """Login, the two ecosystems of the seed (Documentation Ecosystem with `status`), groups and devices."""
        self.login()
        self.ecosystems(ecosystem(status=status), ecosystem("Lab Ecosystem", LAB_ECO))
        self.groups()
        self.devices(*things)

    def sent(self):
        """(method, path, parsed body) of every request, the login's body hidden."""
        result = []
        for call in self.rsps.calls:
            path = call.request.url[len(ENDPOINT):].split("?")[0]
            body = call.request.body
            if path == "/auth/login":
                body = None
            elif body:
                body = json.loads(body)
            result.append((call.request.method, path, body or None))
        return result

    def writes(self):
        return [s for s in self.sent() if s[0] in ("POST", "PUT", "DELETE") and s[1] != "/auth/login"]


def warnings(result):
    """The warning texts of a result: plain strings before ansible-core 2.19, summaries after."""
    return [w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", [])]
