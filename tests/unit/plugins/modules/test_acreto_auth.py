# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

import pytest

from ansible_collections.acreto.platform.plugins.modules import acreto_auth
from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    CUSTOMER, ENDPOINT, OTHER_CUSTOMER, TOKEN, USERNAME, warnings,
)


def seconds_until(iso):
    return (datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)).total_seconds()


@pytest.mark.parametrize("check_mode", [False, True])
def test_login_returns_token_customers_and_expiry(api, run, check_mode):
    api.login(customers=(CUSTOMER, OTHER_CUSTOMER))

    result = run(acreto_auth.main, _ansible_check_mode=check_mode)

    assert result["changed"] is False
    assert result["access_token"] == TOKEN
    assert result["customers"] == [CUSTOMER, OTHER_CUSTOMER]
    assert result["expires_in"] == 600
    assert 590 < seconds_until(result["expires_at"]) <= 601
    assert [s[:2] for s in api.sent()] == [("POST", "/auth/login")]


def test_expiry_field_of_the_login_response_is_used(api, run):
    api.login(expiry=3600)

    result = run(acreto_auth.main)

    assert result["expires_in"] == 3600
    assert 3590 < seconds_until(result["expires_at"]) <= 3601


def test_wrong_password(api, run):
    api.add("POST", "/auth/login", {"code": 401, "message": "invalid username or password"}, status=401)

    result = run(acreto_auth.main)

    assert result["failed"] is True
    assert result["msg"] == "Login as '%s' failed: POST /auth/login returned 401: invalid username or password" % USERNAME
    assert result["status"] == 401


def test_there_is_no_token_option_because_a_token_cannot_log_in(api, run):
    result = run(acreto_auth.main, token=TOKEN)

    assert result["failed"] is True
    assert result["msg"].startswith("Unsupported parameters for ")
    assert result["msg"].endswith(" module: token. Supported parameters include: ca_path, endpoint, password, timeout, "
                                  "username, validate_certs.")
    assert api.sent() == []


def test_acreto_token_in_the_environment_does_not_matter(api, run, monkeypatch):
    monkeypatch.setenv("ACRETO_TOKEN", "an-older-token")
    api.login()

    result = run(acreto_auth.main)

    assert result["access_token"] == TOKEN
    assert [s[:2] for s in api.sent()] == [("POST", "/auth/login")]


def test_without_credentials_the_message_does_not_offer_a_token(api, run):
    result = run(acreto_auth.main, _connection=False, endpoint=ENDPOINT)

    assert result["msg"] == "No credentials: set username and password (or ACRETO_USERNAME and ACRETO_PASSWORD)."
    assert api.sent() == []


def test_without_no_log_the_module_warns_that_its_result_holds_a_token(api, run):
    api.login()

    result = run(acreto_auth.main)

    assert warnings(result) == ["acreto_auth returns a live access token: put no_log: true on its task, or the token shows "
                                "in the output, in registered results that are printed, and in the job events of AWX and "
                                "ansible-runner."]


def test_with_no_log_there_is_no_warning(api, run):
    api.login()

    result = run(acreto_auth.main, _ansible_no_log=True)

    assert warnings(result) == []
