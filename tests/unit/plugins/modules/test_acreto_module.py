# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base class, through the modules: input checks, connection options, customers, errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os
import re

import pytest
import yaml

from ansible_collections.acreto.platform.plugins.doc_fragments import acreto as acreto_fragment
from ansible_collections.acreto.platform.plugins.module_utils import _api, _client, _module, _thing
from ansible_collections.acreto.platform.plugins.modules import (
    acreto_auth, acreto_commit, acreto_ecosystem_info, acreto_group_info, acreto_thing, acreto_thing_info,
)
from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    CUSTOMER, ENDPOINT, OTHER_CUSTOMER, TOKEN, USERNAME, ecosystem, warnings,
)

ECO = "Documentation Ecosystem"
COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(_module.__file__), "..", ".."))


# --- bad input fails before any request ------------------------------------------------

THING = dict(ecosystem=ECO, name="cam-01")


@pytest.mark.parametrize("main, args, msg", [
    (acreto_thing.main, dict(THING, endpoint="api.acreto.test/v2"),
     "endpoint must be an http:// or https:// URL such as https://api-is-rock-solid.acreto.net/v2, got 'api.acreto.test/v2'."),
    (acreto_thing.main, dict(THING, endpoint="ftp://api.acreto.test/v2"),
     "endpoint must be an http:// or https:// URL such as https://api-is-rock-solid.acreto.net/v2, got 'ftp://api.acreto.test/v2'."),
    (acreto_thing.main, dict(THING, password=None),
     "username was given without password (set password or ACRETO_PASSWORD)."),
    (acreto_thing.main, dict(THING, username=None, password=None),
     "No credentials: set username and password (or ACRETO_USERNAME and ACRETO_PASSWORD), or token (ACRETO_TOKEN)."),
    (acreto_thing.main, dict(THING, timeout=0), "timeout must be a number of seconds greater than 0, got 0."),
    (acreto_thing.main, dict(THING, name=""), "name must not be empty."),
    (acreto_thing.main, dict(THING, name="   "), "name must not be empty."),
    (acreto_thing.main, dict(THING, ecosystem=""), "ecosystem must not be empty."),
    (acreto_thing.main, dict(THING, customer=""), "customer must not be empty."),
    (acreto_thing.main, dict(THING, profile_group=""), "profile_group must not be empty."),
    (acreto_thing.main, dict(THING, uuid="c86c8910-1770-818b"),
     "uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got 'c86c8910-1770-818b'."),
    (acreto_thing_info.main, dict(ecosystem=ECO, uuid="not-a-uuid"),
     "uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got 'not-a-uuid'."),
    (acreto_group_info.main, dict(ecosystem=ECO, name=""), "name must not be empty."),
    (acreto_thing.main, dict(THING, asset_value=-1), "asset_value must be 0 or greater, got -1."),
    (acreto_thing.main, dict(THING, expiry={"time": "tomorrow"}),
     "expiry.time must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got 'tomorrow'."),
    (acreto_thing.main, dict(THING, expiry={"time": "2030-01-31 12:00:00"}),
     "expiry.time must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got '2030-01-31 12:00:00'."),
    (acreto_thing.main, dict(THING, expiry={"time": "2030-02-30T12:00:00Z"}),
     "expiry.time must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got '2030-02-30T12:00:00Z'."),
    (acreto_thing.main, dict(THING, state="gone"), "value of state must be one of: present, absent, got: gone"),
    (acreto_thing.main, dict(ecosystem=ECO), "one of the following is required: name, uuid"),
    (acreto_thing.main, dict(name="cam-01"), "missing required arguments: ecosystem"),
    (acreto_commit.main, dict(ecosystem=ECO, foreign_pending="maybe"),
     "value of foreign_pending must be one of: ignore, warn, fail, got: maybe"),
])
def test_bad_input_fails_before_any_request(api, run, main, args, msg):
    result = run(main, **args)

    assert result["failed"] is True
    assert result["msg"] == msg
    assert api.sent() == []


@pytest.mark.parametrize("option, value", [("asset_value", "a lot"), ("validate_certs", "perhaps"), ("timeout", "soon")])
def test_wrong_types_name_the_option(api, run, option, value):
    result = run(acreto_thing.main, **dict(THING, **{option: value}))

    assert result["failed"] is True
    assert "'%s'" % option in result["msg"] and "\n" not in result["msg"]
    assert api.sent() == []


# --- connection options ----------------------------------------------------------------


def test_connection_options_come_from_the_environment(api, run, monkeypatch):
    other = "https://other.acreto.test/v2"
    monkeypatch.setenv("ACRETO_ENDPOINT", other)
    monkeypatch.setenv("ACRETO_USERNAME", USERNAME)
    monkeypatch.setenv("ACRETO_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("ACRETO_VALIDATE_CERTS", "false")
    api.rsps.add("POST", other + "/auth/login", json=dict(accessToken=TOKEN, customers=[CUSTOMER]))
    api.rsps.add("GET", other + "/customers/%s/ecosystems" % CUSTOMER["uuid"], json=[ecosystem()])

    result = run(acreto_ecosystem_info.main, _connection=False)

    assert [e["name"] for e in result["ecosystems"]] == [ECO]
    assert warnings(result) == ["validate_certs is false: the TLS certificate of %s is not checked." % other]
    assert api.rsps.calls[0].request.url == other + "/auth/login"


@pytest.mark.parametrize("endpoint, warned", [
    ("http://api.acreto.test/v2", True),
    ("HTTP://10.0.0.5:8080/v2", True),
    ("http://127.0.0.1:8080/v2", False),
    ("http://localhost:8080/v2", False),
    ("http://[::1]:8080/v2", False),
    ("https://api.acreto.test/v2", False),
])
def test_plain_http_to_another_host_warns(api, run, endpoint, warned):
    api.rsps.add("POST", endpoint.lower() + "/auth/login", json=dict(accessToken=TOKEN, customers=[CUSTOMER]))
    api.rsps.add("GET", endpoint.lower() + "/customers/%s/ecosystems" % CUSTOMER["uuid"], json=[ecosystem()])

    result = run(acreto_ecosystem_info.main, endpoint=endpoint)

    assert [e["name"] for e in result["ecosystems"]] == [ECO]
    assert warnings(result) == (["endpoint %s is plain http:// to a host that is not this machine: the password and the "
                                 "token cross the network unencrypted." % endpoint] if warned else [])


@pytest.mark.parametrize("password, warned", [("7-chars", True), ("8-chars!", False)])
def test_a_password_shorter_than_8_characters_warns(api, run, password, warned):
    api.login()
    api.ecosystems(ecosystem())

    result = run(acreto_ecosystem_info.main, password=password)

    assert [e["name"] for e in result["ecosystems"]] == [ECO]
    assert warnings(result) == (["password is shorter than 8 characters: Ansible hides every occurrence of it in the "
                                 "output, which also blanks out unrelated text that contains it."] if warned else [])


def test_a_token_and_a_customer_uuid_need_no_login(api, run):
    api.ecosystems(ecosystem())

    result = run(acreto_ecosystem_info.main, _connection=False, endpoint=ENDPOINT, token=TOKEN,
                 customer=CUSTOMER["uuid"].upper())

    assert len(result["ecosystems"]) == 1
    assert [s[1] for s in api.sent()] == ["/customers/%s/ecosystems" % CUSTOMER["uuid"]]
    assert api.rsps.calls[0].request.headers["Authorization"] == "Bearer " + TOKEN
    assert TOKEN not in str(result)


def test_a_token_and_a_customer_uuid_need_no_login_when_username_and_password_are_set_too(api, run):
    api.ecosystems(ecosystem())

    result = run(acreto_ecosystem_info.main, _connection=False, endpoint=ENDPOINT, token=TOKEN, username="someone",
                 password="long-enough-password", customer=CUSTOMER["uuid"])

    assert len(result["ecosystems"]) == 1
    assert [s[1] for s in api.sent()] == ["/customers/%s/ecosystems" % CUSTOMER["uuid"]]


@pytest.mark.parametrize("customer, shown", [("Documentation", "'Documentation'"), (None, "none")])
def test_a_token_alone_needs_the_customer_uuid(api, run, customer, shown):
    result = run(acreto_group_info.main, _connection=False, endpoint=ENDPOINT, token=TOKEN, ecosystem=ECO, customer=customer)

    assert result["msg"] == ("With a token and no username, customer must be given as a uuid (customer names come from "
                             "the login); got %s." % shown)
    assert api.sent() == []


def test_an_expired_token_says_what_to_do(api, run):
    api.add("GET", "/customers/%s/ecosystems" % CUSTOMER["uuid"], {"code": 401, "message": "token expired"}, status=401)

    result = run(acreto_ecosystem_info.main, _connection=False, endpoint=ENDPOINT, token=TOKEN, customer=CUSTOMER["uuid"])

    assert result["msg"] == ("Listing the ecosystems of customer '%s' failed: GET /customers/%s/ecosystems returned 401: "
                             "token expired. The API token was rejected (expired or invalid); tokens live 600 s. Pass "
                             "username and password so the collection can log in again, or get a fresh token with "
                             "acreto.platform.acreto_auth." % (CUSTOMER["uuid"], CUSTOMER["uuid"]))
    assert result["api_error"] == {"code": 401, "message": "token expired"}
    assert result["status"] == 401
    assert TOKEN not in str(result)


def test_missing_requests_is_reported(api, run, monkeypatch):
    monkeypatch.setattr(_client, "HAS_REQUESTS", False)
    monkeypatch.setattr(_client, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")

    result = run(acreto_auth.main)

    assert result["msg"].startswith("Failed to import the required Python library (requests)")
    assert api.sent() == []


def test_the_default_endpoint_has_one_home_and_the_docs_say_it():
    fragment = yaml.safe_load(acreto_fragment.ModuleDocFragment.DOCUMENTATION)
    assert _module.ACRETO_COMMON_ARGS["endpoint"]["default"] == _api.DEFAULT_ENDPOINT
    assert fragment["options"]["endpoint"]["default"] == _api.DEFAULT_ENDPOINT


# --- customers -------------------------------------------------------------------------


def test_customer_required_when_the_user_has_several(api, run):
    api.login(customers=(CUSTOMER, OTHER_CUSTOMER))

    result = run(acreto_ecosystem_info.main)

    assert result["msg"] == "customer is required: user '%s' has 2 customers ('Documentation', 'Other Customer')." % USERNAME
    assert [s[1] for s in api.sent()] == ["/auth/login"]


def test_customer_by_name_among_several(api, run):
    api.login(customers=(OTHER_CUSTOMER, CUSTOMER))
    api.ecosystems(ecosystem())

    result = run(acreto_ecosystem_info.main, customer="Documentation")

    assert [e["name"] for e in result["ecosystems"]] == [ECO]


# --- API failures ------------------------------------------------------------------------


def test_an_html_error_page_becomes_one_line(api, run):
    api.login()
    api.add("GET", "/customers/%s/ecosystems" % CUSTOMER["uuid"],
            body="<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
            status=500, content_type="text/html")

    result = run(acreto_group_info.main, ecosystem=ECO)

    assert result["msg"] == ("Listing the ecosystems of customer 'Documentation' failed: GET /customers/%s/ecosystems "
                             "returned 500: 502 Bad Gateway" % CUSTOMER["uuid"])
    assert result["status"] == 500


def test_a_response_that_is_not_json(api, run):
    api.login()
    api.add("GET", "/customers/%s/ecosystems" % CUSTOMER["uuid"], body="hello", status=200, content_type="text/plain")

    result = run(acreto_ecosystem_info.main)

    assert result["msg"] == ("Listing the ecosystems of customer 'Documentation' failed: GET /customers/%s/ecosystems "
                             "returned a response that is not JSON (status 200, text/plain): hello" % CUSTOMER["uuid"])


# --- helpers and packaging -------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2030-01-31T12:00:00Z", "2030-01-31T12:00:00.000Z"),
    ("2030-01-31t12:00:00.5z", "2030-01-31T12:00:00.500Z"),
    ("2030-01-31T12:00:00.123456+01:30", "2030-01-31T10:30:00.123Z"),
    ("2030-12-31T23:30:00-01:00", "2031-01-01T00:30:00.000Z"),
    ("0001-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z"),
    ("2030-01-31T25:00:00Z", None),
    ("2030-01-31T12:00:00+24:00", None),
    ("2030-01-31T12:00:00", None),
    ("31/01/2030", None),
])
def test_api_time(text, expected):
    assert _thing.api_time(text) == expected


def test_the_action_group_lists_every_module():
    with open(os.path.join(COLLECTION_ROOT, "meta", "runtime.yml")) as f:
        runtime = yaml.safe_load(f)
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(COLLECTION_ROOT, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))

    assert sorted(runtime["action_groups"]["acreto"]) == modules
    assert modules == ["acreto_auth", "acreto_commit", "acreto_ecosystem_info", "acreto_group_info", "acreto_thing",
                       "acreto_thing_info", "acreto_things"]


# --- the layers of module_utils ---------------------------------------------------------

MODULE_UTILS = os.path.join(COLLECTION_ROOT, "plugins", "module_utils")


def imports_of(path):
    """(our module_utils files imported, whether ansible is imported) of one Python file."""
    with open(path) as handle:
        tree = ast.parse(handle.read())
    ours, ansible = set(), False
    for node in ast.walk(tree):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + ["%s.%s" % (node.module, alias.name) for alias in node.names]
        for name in names:
            if name.startswith("ansible_collections.acreto.platform.plugins.module_utils."):
                ours.add(name.split(".")[5])
            elif name.split(".")[0] == "ansible":
                ansible = True
    return ours, ansible


def documented_layers():
    """{file: (allowed module_utils files, Ansible allowed)} from the map in docs/development.md."""
    with open(os.path.join(COLLECTION_ROOT, "docs", "development.md")) as handle:
        rows = [line for line in handle if re.match(r"^\| `_\w+\.py` \|", line)]
    layers = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        allowed = cells[-1]
        layers[cells[0].strip("`")] = (set(re.findall(r"`(_\w+)`", allowed)), "Ansible" in allowed)
    return layers


def test_the_map_in_the_docs_names_every_file_and_each_imports_only_what_it_may():
    files = sorted(name for name in os.listdir(MODULE_UTILS) if name.endswith(".py") and name != "__init__.py")
    layers = documented_layers()
    assert sorted(layers) == files
    for name in files:
        ours, ansible = imports_of(os.path.join(MODULE_UTILS, name))
        ours.discard(name[:-3])
        allowed, ansible_allowed = layers[name]
        assert ours <= allowed, "%s imports %s" % (name, sorted(ours - allowed))
        assert ansible <= ansible_allowed, "%s imports Ansible" % name


def test_only_the_front_door_ends_a_module():
    calls = {}
    for name in os.listdir(MODULE_UTILS):
        if name.endswith(".py"):
            with open(os.path.join(MODULE_UTILS, name)) as handle:
                found = len(re.findall(r"\b(?:fail|exit)_json\(", handle.read()))
            if found:
                calls[name] = found
    # the front door's fail_json and exit_json, and the override of fail_json (its def and its super() call)
    assert calls == {"_module.py": 4}
