"""Bad input: every case fails with one line that names the option and the problem, no traceback, and no write.

One case sends a write that the API refuses: acreto_thing leaves a profile group given by uuid to the API, which
refuses the create as a whole (400), and the module then names the profile group as a wrong name would be named.

All cases run as tasks of one play (with ignore_errors), so the whole table costs one ansible-playbook run;
the simulator's request log then proves that none of them wrote anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from acreto_sim.testing import USERNAME
from conftest import PASSWORD, writes
from plays import CUSTOMER, DEVICES, DOC, DOC_UUID, GROUP_UUID, LAB, LAB_UUID, log_of, output, run_play

OTHER_CUSTOMER = "2d7f9b14-6c3a-4e81-9f02-b5e8a7c4d613"
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"
SUPPORTED = ("Supported parameters include: asset_value, ca_path, category, customer, ecosystem, "
             "ecosystem_wait_timeout, endpoint, expiry, foreign_pending, name, password, profile_group, state, timeout, token, type, "
             "username, uuid, validate_certs.")
ECOSYSTEMS_FOUND = "(found: 'Documentation Ecosystem', 'Lab Ecosystem')"
RFC3339 = "expiry.time must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got '%s'."
NO_SCHEME = "endpoint must be an http:// or https:// URL such as https://api-is-rock-solid.acreto.net/v2, got '%s'."
NOT_JSON = "Login as 'someone@somedomain.com' failed: POST /auth/login returned a response that is not JSON (status 200, %s)"
INJECTED = "fault injected by the simulator"
CA_MISSING = ("ca_path '/nonexistent/acreto-ca.pem' does not exist; give the file (PEM) of the CA certificates that signed "
              "the API's certificate.")
# ansible-core lists the valid booleans in no fixed order
BOOL = (r"argument '%s' is of type str and we were unable to convert to bool: The value '%s' is not a valid boolean\. "
        r"Valid booleans include: ('[a-z0-9]+'|[01])(, ('[a-z0-9]+'|[01]))+")

THING = "acreto.platform.acreto_thing"
THINGS = "acreto.platform.acreto_things"
THING_INFO = "acreto.platform.acreto_thing_info"
GROUP_INFO = "acreto.platform.acreto_group_info"
ECO_INFO = "acreto.platform.acreto_ecosystem_info"
COMMIT = "acreto.platform.acreto_commit"
AUTH = "acreto.platform.acreto_auth"


def thing(**args):
    return dict(dict(ecosystem=DOC, name="cam-01", profile_group="Profile Group 1"), **args)


# (case id, module, arguments, the exact message). "{closed}" and "{fake}" are filled in at run time.
CASES = [
    # wrong types
    ("asset-value-text", THING, thing(asset_value="lots"),
     "argument 'asset_value' is of type str and we were unable to convert to int: \"'lots'\" cannot be converted to an int"),
    ("asset-value-float", THING, thing(asset_value=1.5),
     "argument 'asset_value' is of type float and we were unable to convert to int: \"1.5\" cannot be converted to an int"),
    ("expiry-not-a-dict", THING, thing(expiry="2030-01-01T00:00:00Z"),
     "argument 'expiry' is of type str and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value"),
    ("expiry-unknown-key", THING, thing(expiry={"when": "tomorrow"}),
     "Unsupported parameters for (acreto.platform.acreto_thing) module: expiry.when. Supported parameters include: time, type."),
    ("wait-timeout-text", THING, thing(ecosystem_wait_timeout="soon"),
     "argument 'ecosystem_wait_timeout' is of type str and we were unable to convert to int: \"'soon'\" cannot be converted to an int"),
    ("validate-certs-text", THING, thing(validate_certs="maybe"),
     re.compile(BOOL % ("validate_certs", "maybe"))),
    ("commit-text", COMMIT, dict(ecosystem=DOC, commit="perhaps"),
     re.compile(BOOL % ("commit", "perhaps"))),
    ("poll-interval-text", COMMIT, dict(ecosystem=DOC, poll_interval="often"),
     "argument 'poll_interval' is of type str and we were unable to convert to float: <class 'str'> cannot be converted to a float"),
    ("unknown-option", THING, thing(colour="red"),
     "Unsupported parameters for (acreto.platform.acreto_thing) module: colour. " + SUPPORTED),
    # empty, negative, malformed
    ("empty-name", THING, thing(name=""), "name must not be empty."),
    ("blank-name", THING, thing(name="   "), "name must not be empty."),
    ("empty-ecosystem", THING_INFO, dict(ecosystem=""), "ecosystem must not be empty."),
    ("empty-customer", ECO_INFO, dict(customer=""), "customer must not be empty."),
    ("empty-profile-group", THING, thing(profile_group=""), "profile_group must not be empty."),
    ("empty-group-name", GROUP_INFO, dict(ecosystem=DOC, name=""), "name must not be empty."),
    ("negative-asset-value", THING, thing(asset_value=-1), "asset_value must be 0 or greater, got -1."),
    ("malformed-uuid", THING, thing(uuid="cam-01-uuid"),
     "uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got 'cam-01-uuid'."),
    ("malformed-uuid-info", THING_INFO, dict(ecosystem=DOC, uuid="1234"),
     "uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got '1234'."),
    ("malformed-uuid-ecosystem-info", ECO_INFO, dict(uuid="049d6701-a8d3-ca61-662e"),
     "uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got '049d6701-a8d3-ca61-662e'."),
    ("unknown-state", THING, thing(state="gone"), "value of state must be one of: present, absent, got: gone"),
    ("unknown-foreign-pending", COMMIT, dict(ecosystem=DOC, foreign_pending="maybe"),
     "value of foreign_pending must be one of: ignore, warn, fail, got: maybe"),
    ("zero-wait-timeout", COMMIT, dict(ecosystem=DOC, wait_timeout=0), "wait_timeout must be greater than 0, got 0."),
    ("negative-poll-interval", COMMIT, dict(ecosystem=DOC, poll_interval=-1), "poll_interval must be greater than 0, got -1."),
    ("zero-timeout", THING_INFO, dict(ecosystem=DOC, timeout=0), "timeout must be a number of seconds greater than 0, got 0."),
    # expiry times that are not RFC 3339
    ("expiry-words", THING, thing(expiry={"time": "tomorrow"}), RFC3339 % "tomorrow"),
    ("expiry-no-zone", THING, thing(expiry={"time": "2030-01-31T12:00:00"}), RFC3339 % "2030-01-31T12:00:00"),
    ("expiry-space", THING, thing(expiry={"time": "2030-01-31 12:00:00Z"}), RFC3339 % "2030-01-31 12:00:00Z"),
    ("expiry-month-13", THING, thing(expiry={"time": "2030-13-01T00:00:00Z"}), RFC3339 % "2030-13-01T00:00:00Z"),
    ("expiry-date-only", THING, thing(expiry={"time": "2030-01-31"}), RFC3339 % "2030-01-31"),
    # missing or contradictory options
    ("no-ecosystem", THING, dict(name="cam-01"), "missing required arguments: ecosystem"),
    ("no-name-nor-uuid", THING, dict(ecosystem=DOC), "one of the following is required: name, uuid"),
    ("create-without-group", THING, dict(ecosystem=DOC, name="new-thing"),
     "profile_group is required to create thing 'new-thing', which does not exist yet."),
    ("unknown-thing-uuid", THING, dict(ecosystem=DOC, uuid=UNKNOWN_UUID, asset_value=1),
     "No thing with uuid '%s' in ecosystem 'Documentation Ecosystem'; leave uuid out to create one by name." % UNKNOWN_UUID),
    ("username-without-password", THING_INFO, dict(ecosystem=DOC, password=""),
     "username was given without password (set password or ACRETO_PASSWORD)."),
    ("token-with-customer-name", THING_INFO, dict(ecosystem=DOC, username="", password="", token="{{ token }}",
                                                  customer="Documentation"),
     "With a token and no username, customer must be given as a uuid (customer names come from the login); got 'Documentation'."),
    ("auth-with-a-token", AUTH, dict(username="", password="", token="{{ token }}"),
     "Unsupported parameters for (acreto.platform.acreto_auth) module: token. Supported parameters include: ca_path, "
     "endpoint, password, timeout, username, validate_certs."),
    # names that match nothing, or more than one thing
    ("unknown-customer", THING, thing(customer="Initech"),
     "Customer 'Initech' not found for user 'someone@somedomain.com' (found: 'Documentation')."),
    ("invisible-customer-uuid", ECO_INFO, dict(customer=OTHER_CUSTOMER),
     "Customer '%s' not found for user 'someone@somedomain.com' (found: 'Documentation')." % OTHER_CUSTOMER),
    ("unknown-ecosystem", THING, thing(ecosystem="Production"),
     "Ecosystem 'Production' not found for customer 'Documentation' " + ECOSYSTEMS_FOUND + "."),
    ("unknown-ecosystem-uuid", GROUP_INFO, dict(ecosystem=UNKNOWN_UUID),
     "Ecosystem '%s' not found for customer 'Documentation' %s." % (UNKNOWN_UUID, ECOSYSTEMS_FOUND)),
    ("unknown-ecosystem-commit", COMMIT, dict(ecosystem="Production"),
     "Ecosystem 'Production' not found for customer 'Documentation' " + ECOSYSTEMS_FOUND + "."),
    ("unknown-group", THING, thing(profile_group="Printers"),
     "Profile group 'Printers' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1')."),
    ("group-of-another-ecosystem", THING, thing(ecosystem=LAB, profile_group=GROUP_UUID),
     "Profile group '%s' not found in ecosystem 'Lab Ecosystem' (found: 'Profile Group 1', 'Cameras')." % GROUP_UUID),
    ("unknown-group-filter", THING_INFO, dict(ecosystem=DOC, profile_group="Printers"),
     "Profile group 'Printers' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1')."),
    ("ambiguous-thing", THING, thing(name="twin", asset_value=5),
     "2 things named 'twin' in ecosystem 'Documentation Ecosystem' (uuids: {twins}); pass uuid to pick one."),
    ("ambiguous-thing-absent", THING, dict(ecosystem=DOC, name="twin", state="absent"),
     "2 things named 'twin' in ecosystem 'Documentation Ecosystem' (uuids: {twins}); pass uuid to pick one."),
    # the bulk module: each item is checked before the first write
    ("bulk-negative-asset-value", THINGS, dict(ecosystem=DOC, config=[{"name": "a", "profile_group": "Profile Group 1"},
                                                                      {"name": "b", "asset_value": -2}]),
     "config[1] (b): asset_value must be 0 or greater, got -2."),
    ("bulk-item-without-name", THINGS, dict(ecosystem=DOC, config=[{"category": "IoT"}]), "config[0]: name or uuid is required."),
    ("bulk-bad-expiry", THINGS, dict(ecosystem=DOC, config=[{"name": "a", "expiry": {"time": "31/01/2030"}}]),
     "config[0] (a): " + RFC3339 % "31/01/2030"),
    ("bulk-listed-twice", THINGS, dict(ecosystem=DOC, config=[{"name": "a"}, {"name": "a"}]),
     "Thing name 'a' appears 2 times in config (config[0], config[1]); each thing must be listed once."),
    ("bulk-parallelism-zero", THINGS, dict(ecosystem=DOC, parallelism=0, config=[{"name": "a"}]),
     "parallelism must be between 1 and 32, got 0."),
    ("bulk-unknown-state", THINGS, dict(ecosystem=DOC, state="present", config=[{"name": "a"}]),
     "value of state must be one of: merged, replaced, overridden, deleted, gathered, got: present"),
    ("bulk-config-not-a-list", THINGS, dict(ecosystem=DOC, config="a,b"),
     "Elements value for option 'config' is of type str and we were unable to convert to dict: "
     "dictionary requested, could not parse JSON or key=value"),
    # connection settings and what comes back
    ("endpoint-without-scheme", THING_INFO, dict(ecosystem=DOC, endpoint="127.0.0.1:8080/v2"), NO_SCHEME % "127.0.0.1:8080/v2"),
    ("endpoint-ftp", ECO_INFO, dict(endpoint="ftp://127.0.0.1/v2"), NO_SCHEME % "ftp://127.0.0.1/v2"),
    ("endpoint-unreachable", THING_INFO, dict(ecosystem=DOC, endpoint="http://127.0.0.1:{closed}/v2"),
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned no response after 2 retries: "
     "cannot connect to 127.0.0.1:{closed} (Connection refused)"),
    ("wrong-password", AUTH, dict(password="not-the-password"),
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned 401: invalid username or password"),
    ("forged-token", THING_INFO, dict(ecosystem=DOC, customer=CUSTOMER, username="", password="", token="not.a.token"),
     "Listing the ecosystems of customer '%s' failed: GET /customers/%s/ecosystems returned 401: invalid access token. "
     "The API token was rejected (expired or invalid); tokens live 600 s. Pass username and password so the collection "
     "can log in again, or get a fresh token with acreto.platform.acreto_auth." % (CUSTOMER, CUSTOMER)),
    ("response-not-json", AUTH, dict(endpoint="{fake}/text/v2"), NOT_JSON % "text/plain; charset=utf-8" + ": maintenance window"),
    ("html-sign-in-page", ECO_INFO, dict(endpoint="{fake}/portal/v2"),
     NOT_JSON % "text/html; charset=utf-8" + ": Sign in to the guest network"),
    ("bulk-bad-uuid-after-a-good-entry", THINGS,
     dict(ecosystem=DOC, config=[{"name": "a", "profile_group": "Profile Group 1"}, {"uuid": "not-a-uuid", "state": "absent"}]),
     "config[1]: uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got 'not-a-uuid'."),
    ("bulk-present-and-absent", THINGS,
     dict(ecosystem=DOC, config=[{"name": "a", "profile_group": "Profile Group 1"}, {"name": "a", "state": "absent"}]),
     "Thing name 'a' appears 2 times in config (config[0], config[1]); each thing must be listed once."),
    ("bulk-unknown-group-uuid", THINGS,
     dict(ecosystem=DOC, config=[{"name": "a", "profile_group": GROUP_UUID}, {"name": "b", "profile_group": UNKNOWN_UUID}]),
     "Profile group '%s' not found in ecosystem 'Documentation Ecosystem' (found: 'Profile Group 1')." % UNKNOWN_UUID),
    # where the API is and how to trust it
    ("ca-path-missing", THING_INFO, dict(ecosystem=DOC, ca_path="/nonexistent/acreto-ca.pem"), CA_MISSING),
    ("ca-path-missing-https", THING_INFO,
     dict(ecosystem=DOC, endpoint="https://127.0.0.1:{closed}/v2", ca_path="/nonexistent/acreto-ca.pem"), CA_MISSING),
    ("endpoint-without-v2", ECO_INFO, dict(endpoint="{sim}"),
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned 404: POST /auth/login: Not Found. "
     "No API login at {sim}/auth/login: check endpoint, which should end in /v2, like https://api-is-rock-solid.acreto.net/v2"),
    ("https-to-plain-http", ECO_INFO, dict(endpoint="{sim_https}/v2"), re.compile(
        r"Login as 'someone@somedomain\.com' failed: POST /auth/login returned no response: TLS handshake with "
        r"127\.0\.0\.1:\d+ failed \(.+\); the server may speak plain HTTP: if so, the endpoint starts with http://")),
    ("html-error-page", THING_INFO, dict(ecosystem=DOC, endpoint="{fake}/site/v2"),
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned 404: 404 Not Found. "
     "No API login at {fake}/site/v2/auth/login: check endpoint"),
    ("500-with-a-body", THING, thing(), "Listing the ecosystems of customer 'Documentation' failed: GET /customers/%s/ecosystems "
                                        "returned 500: %s" % (CUSTOMER, INJECTED)),
    ("500-listing-things", THING, thing(), "Listing the things of ecosystem 'Documentation Ecosystem' failed: GET %s returned 500: %s"
                                           % (DEVICES[len("/v2"):], INJECTED)),
]

# Faults set just before a case, for that case only (count 1).
FAULTS = {
    "500-with-a-body": {"method": "GET", "path": "/ecosystems$", "status": 500, "count": 1},
    "500-listing-things": {"method": "GET", "path": "/devices$", "status": 500, "count": 1},
}


class FakeWebServer(BaseHTTPRequestHandler):
    """What sits at a wrong endpoint: a maintenance page, a captive portal, a web site."""

    pages = {
        "/text/": (200, "text/plain; charset=utf-8", "maintenance window\nback at 14:00 UTC\n"),
        "/portal/": (200, "text/html; charset=utf-8",
                     "<!DOCTYPE html><html><head><style>body{}</style><title>Sign in to the guest network</title></head>"
                     "<body><form>...</form></body></html>"),
        "/site/": (404, "text/html; charset=utf-8",
                   "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
                   "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
    }

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, content_type, body = next((page for prefix, page in self.pages.items() if self.path.startswith(prefix)),
                                          (404, "text/plain", "no such page"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWebServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(value, values):
    if isinstance(value, str):
        return value.format(**values) if "{" in value and "{{" not in value else value
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    return value


def test_the_table_is_big_enough():
    assert len(CASES) >= 40
    assert len({case[0] for case in CASES}) == len(CASES)
    assert {case[1] for case in CASES} == {THING, THINGS, THING_INFO, GROUP_INFO, ECO_INFO, COMMIT, AUTH}


def test_bad_input_fails_in_one_line_naming_the_problem_and_writes_nothing(sim, run_playbook, tmp_path, fake_web):
    token = sim.login()
    twins = []
    for dummy in range(2):
        response = sim.api("POST", DEVICES[len("/v2"):], token=token, json={"name": "twin", "profileGroup": GROUP_UUID})
        assert response.status_code == 201, response.text
        twins.append(response.json()["uuid"])
    assert sim.ctl("DELETE", "/requests").status_code == 200
    values = {"closed": closed_port(), "fake": fake_web, "twins": ", ".join(twins), "sim": sim.url,
              "sim_https": sim.url.replace("http://", "https://")}

    tasks = [{"name": "Log in once for the token cases", "register": "login", "no_log": True, "acreto.platform.acreto_auth": {}},
             {"name": "Keep the token", "ansible.builtin.set_fact": {"token": "{{ login.access_token }}"}, "no_log": True}]
    for case, module, args, dummy in CASES:
        if case in FAULTS:
            tasks.append({"name": "Fault for " + case, "ansible.builtin.uri": {
                "url": sim.url + "/_sim/faults", "method": "POST", "body": FAULTS[case], "body_format": "json"}})
        tasks.append({"name": case, "register": "case_" + case.replace("-", "_"), "ignore_errors": True,
                      module: fill(args, values)})

    proc, results = run_play(run_playbook, tmp_path, tasks)

    problems = []
    for case, module, dummy, expected in CASES:
        result = results.get("case_" + case.replace("-", "_")) or {}
        expected = fill(expected, values)
        if result.get("failed") is not True:
            problems.append("%s: did not fail: %r" % (case, result))
            continue
        msg = result.get("msg", "")
        if not (expected.fullmatch(msg) if isinstance(expected, re.Pattern) else msg == expected):
            problems.append("%s:\n  got      %r\n  expected %r" % (case, msg, expected))
        # ansible-core >= 2.19 puts a placeholder in `exception` when the module sent no traceback
        if "\n" in msg or "Traceback" in str(result.get("exception", "")) or "module_stderr" in result:
            problems.append("%s: not one clean line: %r" % (case, result))
    assert not problems, "\n".join(problems)
    text = output(proc)
    assert "Traceback" not in text
    assert PASSWORD not in text and token not in text
    # nothing was written: the one write request is the create of "group-of-another-ecosystem", refused by the API
    assert [(entry["method"], entry["path"], entry["status"]) for entry in writes(log_of(sim))] == [
        ("POST", DEVICES.replace(DOC_UUID, LAB_UUID), 400)]
    assert USERNAME in results["case_wrong_password"]["msg"]
