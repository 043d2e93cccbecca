# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad arguments end acreto.platform.ecosystem_events with one line that names the problem."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from conftest import PASSWORD, USERNAME, ctl

PREFIX = "acreto.platform.ecosystem_events: "


@pytest.mark.parametrize("args, message", [
    (dict(interval=0), "interval must be a number of seconds greater than 0, got 0.0."),
    (dict(interval=-5), "interval must be a number of seconds greater than 0, got -5.0."),
    (dict(interval="soon"), "interval must be a number of seconds, got 'soon'."),
    (dict(interval=True), "interval must be a number of seconds, got True."),
    (dict(timeout=0), "timeout must be a number of seconds greater than 0, got 0."),
    (dict(timeout=1.5), "timeout must be a whole number of seconds, got 1.5."),
    (dict(stale_pending_after=-1), "stale_pending_after must be 0 (never) or a number of seconds, got -1.0."),
    (dict(watch_things="maybe"), "watch_things must be true or false, got 'maybe'."),
    (dict(ecosystems=["Lab", ""]), "ecosystems must be a list of names or uuids, got ['Lab', '']."),
    (dict(ecosystems={"Lab": 1}), "ecosystems must be a list of names or uuids, got {'Lab': 1}."),
    (dict(customer=["Documentation"]), "customer must be a string, got ['Documentation']."),
    (dict(intervall=5), "unsupported option intervall; the options are endpoint, username, password, token, "
                        "validate_certs, ca_path, timeout, customer, ecosystems, interval, watch_things, emit_initial, "
                        "stale_pending_after."),
    (dict(password=None), "username was given without password (set password or ACRETO_PASSWORD)."),
    (dict(username=None, password=None),
     "No credentials: set username and password (or ACRETO_USERNAME and ACRETO_PASSWORD), or token (ACRETO_TOKEN)."),
    (dict(endpoint="api.acreto.test/v2"),
     "endpoint must be an http:// or https:// URL such as https://api-is-rock-solid.acreto.net/v2, got 'api.acreto.test/v2'."),
    (dict(endpoint="https://someone:" + PASSWORD + "@api.acreto.test/v2"),
     "endpoint 'https://***@api.acreto.test/v2' holds a user name or password; give them as username and password "
     "instead, which the modules send to the login, not to every request."),
    (dict(ca_path="/nonexistent/ca.pem"),
     "ca_path '/nonexistent/ca.pem' does not exist; give the file (PEM) of the CA certificates that signed the "
     "API's certificate."),
], ids=lambda value: str(value)[:40])
@pytest.mark.asyncio
async def test_bad_option_ends_the_source_before_any_request(sim, credentials, start_source, source_module, args, message):
    error = await start_source(dict(credentials, **args)).ended()
    assert isinstance(error, source_module.SourceError)
    assert str(error) == PREFIX + message
    assert ctl(sim, "GET", "/requests") == []


@pytest.mark.parametrize("args, message", [
    (dict(ecosystems=["Documentation Ecosystem", "Nope"]),
     "Ecosystem 'Nope' not found for customer 'Documentation' (found: 'Documentation Ecosystem', 'Lab Ecosystem')."),
    (dict(customer="Other Customer"),
     "Customer 'Other Customer' not found for user 'someone@somedomain.com' (found: 'Documentation')."),
    (dict(password="wrong-" + PASSWORD),
     "Login as 'someone@somedomain.com' failed: POST /auth/login returned 401: invalid username or password"),
    (dict(username=None, password=None, token="not-a-token"),
     "With a token and no username, customer must be given as a uuid (customer names come from the login); got none."),
], ids=["unknown ecosystem", "unknown customer", "wrong password", "token without customer uuid"])
@pytest.mark.asyncio
async def test_what_the_api_refuses_ends_the_source(sim, credentials, start_source, source_module, args, message):
    error = await start_source(dict(credentials, interval=0.2, **args)).ended()
    assert isinstance(error, source_module.SourceError)
    assert str(error) == PREFIX + message
    assert PASSWORD not in str(error)


def test_the_environment_fills_what_the_rulebook_leaves_out(source_module):
    environ = {"ACRETO_ENDPOINT": "https://acreto.example.test/v2", "ACRETO_USERNAME": USERNAME, "ACRETO_PASSWORD": "pw",
               "ACRETO_VALIDATE_CERTS": "no", "ACRETO_TIMEOUT": "7"}
    options = source_module.parse_options({"interval": "2.5", "ecosystems": "Lab Ecosystem, Documentation Ecosystem",
                                           "customer": "", "validate_certs": None}, environ)
    assert options == {
        "endpoint": "https://acreto.example.test/v2", "username": USERNAME, "password": "pw", "token": None,
        "validate_certs": False, "ca_path": None, "timeout": 7, "customer": None,
        "ecosystems": ["Lab Ecosystem", "Documentation Ecosystem"], "interval": 2.5, "watch_things": False,
        "emit_initial": False, "stale_pending_after": 0,
    }
    # rulebook variables that look like numbers arrive as numbers
    assert source_module.parse_options({"token": 1234, "customer": 42}, {})["customer"] == "42"
