# -*- coding: utf-8 -*-
# Copyright (c) Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.parse import quote
import socket
import ssl
import threading
import time
import types
import warnings
from http.client import RemoteDisconnected
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import urllib3.util.retry
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
from urllib3.util.retry import RequestHistory

from ansible_collections.acreto.platform.plugins.module_utils._api import DEFAULT_ENDPOINT
from ansible_collections.acreto.platform.plugins.module_utils._client import (
    CONNECT_RETRIES,
    NO_CREDENTIALS_MESSAGE,
    RETRY_AFTER_MAX,
    TOKEN_REJECTED_MESSAGE,
    AcretoClient,
    describe_failure,
)
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoAuthError, AcretoError

ENDPOINT = "https://api.example.test/v2"
HOSTPORT = "api.example.test:443"
CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
ECOSYSTEM = "049d6701-a8d3-ca61-662e-3f6adbbd4156"
GROUP = "06f93ee9-3153-3111-8150-01b3d5389106"
USERNAME = "someone@somedomain.com"
PASSWORD = "pw-Zq8#unit"
TOKEN = "tok-old-1f2e3d"
NEW_TOKEN = "tok-new-9a8b7c"
ECOSYSTEMS = f"customers/{CUSTOMER}/ecosystems"
DEVICES = f"customers/{CUSTOMER}/ecosystems/{ECOSYSTEM}/devices"
THING = {"assetValue": 1, "category": "IoT", "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""},
         "name": "My first Thing", "profileGroup": GROUP, "type": "device",
         "uuid": "c86c8910-1770-818b-a0c8-cf9d91201255"}
RETRIES = 3

# Self-signed certificate (CA:TRUE, SAN 127.0.0.1 and localhost, valid 2000-2199) for the local TLS server only.
TEST_CERT = """-----BEGIN CERTIFICATE-----
MIIBzzCCAXagAwIBAgIUCe3EyXD8bRsaQ2OxuWJ/CBDsMJkwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQYWNyZXRvLXVuaXQtdGVzdDAgFw0wMDAxMDEwMDAwMDBaGA8y
MTk5MTIzMTAwMDAwMFowGzEZMBcGA1UEAwwQYWNyZXRvLXVuaXQtdGVzdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABOuRR8Ajojls0ju00BR5YPa8FXsP6MCCumtp
L5/tz6HeR2X0Np+A7ujQdfsNoNLxM81MPVxUkOR9eOEMZHqNGbKjgZUwgZIwGgYD
VR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0P
AQH/BAQDAgKEMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBS0iJhNYjLZ
YpfWPtsZHWkYEkvYtzAfBgNVHSMEGDAWgBS0iJhNYjLZYpfWPtsZHWkYEkvYtzAK
BggqhkjOPQQDAgNHADBEAiBhL5kc/bMTZ7NBhNkHYG9PKwEqPsYlkF+QYM9+XjO2
zQIgWjPigwylpp78m3YMqmolTVU9Dcha1kxVviGouDkhXHM=
-----END CERTIFICATE-----
"""
TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjUnaKXWhBa0DF7f8
Uad9jOw6kDDo2sUhoeRV8LdLy9WhRANCAATrkUfAI6I5bNI7tNAUeWD2vBV7D+jA
grpraS+f7c+h3kdl9DafgO7o0HX7DaDS8TPNTD1cVJDkfXjhDGR6jRmy
-----END PRIVATE KEY-----
"""


def make_client(endpoint=ENDPOINT, **kwargs):
    options = {"token": TOKEN, "retries": RETRIES, "backoff_factor": 0.001, "backoff_max": 0.005, "timeout": 7}
    options.update(kwargs)
    return AcretoClient(endpoint, **options)


def url(path):
    return ENDPOINT + "/" + path


def error_json(status, message):
    return {"code": status, "message": message}


def login_reply(token=NEW_TOKEN, **extra):
    body = {"accessToken": token, "customers": [{"name": "Documentation", "uuid": CUSTOMER}]}
    body.update(extra)
    return body


def calls(api):
    return [(call.request.method, call.request.url.split("/v2", 1)[1]) for call in api.calls]


# --- success path ---------------------------------------------------------


def test_get_sends_bearer_token_and_returns_json(api):
    api.get(url(ECOSYSTEMS), json=[{"name": "Documentation Ecosystem", "uuid": ECOSYSTEM}])
    client = make_client()
    assert client.get(ECOSYSTEMS) == [{"name": "Documentation Ecosystem", "uuid": ECOSYSTEM}]
    request = api.calls[0].request
    assert request.headers["Authorization"] == "Bearer " + TOKEN
    assert request.headers["Accept"] == "application/json"
    assert client.request_count == {"GET": 1}
    assert client.customers is None


def test_post_and_put_send_json_bodies_and_timeout(api):
    api.post(url(DEVICES), json=THING, status=201)
    api.put(url(DEVICES + "/" + THING["uuid"]), json=THING)
    client = make_client()
    assert client.post(DEVICES, {"name": "My first Thing", "profileGroup": GROUP}) == THING
    assert client.put("/" + DEVICES + "/" + THING["uuid"], THING) == THING
    assert json.loads(api.calls[0].request.body) == {"name": "My first Thing", "profileGroup": GROUP}
    assert json.loads(api.calls[1].request.body) == THING
    assert [call.request.req_kwargs["timeout"] for call in api.calls] == [7, 7]
    assert client.request_count == {"POST": 1, "PUT": 1}


def test_empty_bodies_return_none(api):
    api.post(url(f"customers/{CUSTOMER}/ecosystems/{ECOSYSTEM}/commits"), status=204)
    api.delete(url(DEVICES + "/x"), body="", status=200)
    client = make_client()
    assert client.post(f"customers/{CUSTOMER}/ecosystems/{ECOSYSTEM}/commits") is None
    assert client.delete(DEVICES + "/x") is None
    assert api.calls[0].request.body is None


def test_get_passes_query_parameters(api):
    api.get(url(DEVICES), json=[])
    make_client().get(DEVICES, params={"name": "cam 01"})
    assert api.calls[0].request.url == url(DEVICES) + "?name=cam+01"


@pytest.mark.parametrize("endpoint", [ENDPOINT + "/", ENDPOINT + "//", "  " + ENDPOINT + "/  "])
def test_endpoint_trailing_slash_is_stripped(api, endpoint):
    api.get(url(ECOSYSTEMS), json=[])
    client = make_client(endpoint)
    assert client.endpoint == ENDPOINT
    client.get("/" + ECOSYSTEMS)
    assert api.calls[0].request.url == url(ECOSYSTEMS)


@pytest.mark.parametrize("endpoint", ["api-is-rock-solid.acreto.net/v2", "ftp://api.example.test/v2", "", None,
                                      "//api.example.test/v2"])
def test_endpoint_without_http_scheme_is_rejected(endpoint):
    with pytest.raises(AcretoError) as info:
        make_client(endpoint)
    assert str(info.value) == ("endpoint must be an http:// or https:// URL such as https://api-is-rock-solid.acreto.net/v2, "
                               f"got '{(endpoint or '').strip()}'.")


def test_endpoint_without_host_is_rejected():
    with pytest.raises(AcretoError) as info:
        make_client("https:///v2")
    assert str(info.value) == "endpoint 'https:///v2' has no host name."


def test_default_endpoint():
    assert DEFAULT_ENDPOINT == "https://api-is-rock-solid.acreto.net/v2"


# --- retries (status codes) -----------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_idempotent_requests_are_retried_then_fail_naming_the_last_status(api, method, status):
    path = DEVICES + "/" + THING["uuid"]
    api.add(method, url(path), json=error_json(status, "platform busy"), status=status)
    client = make_client()
    with pytest.raises(AcretoError) as info:
        client.request(method, path, body=THING if method == "PUT" else None)
    err = info.value
    assert len(api.calls) == RETRIES + 1
    assert str(err) == f"{method} /{path} returned {status} after {RETRIES} retries: platform busy"
    assert (err.method, err.path, err.status, err.retries) == (method, "/" + path, status, RETRIES)
    assert err.api_message == "platform busy"
    assert err.api_error == error_json(status, "platform busy")
    assert err.uncertain is False
    assert client.request_count == {method: RETRIES + 1}


@pytest.mark.parametrize("status", [429, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_idempotent_requests_recover_after_transient_errors(api, method, status):
    path = DEVICES + "/" + THING["uuid"]
    api.add(method, url(path), json=error_json(status, "busy"), status=status, headers={"Retry-After": "0"})
    api.add(method, url(path), body="<html><body>Bad gateway</body></html>", status=status)
    api.add(method, url(path), json=THING)
    client = make_client()
    assert client.request(method, path, body=THING if method == "PUT" else None) == THING
    assert len(api.calls) == 3
    assert client.request_count == {method: 3}


def test_retries_zero_means_one_attempt(api):
    api.get(url(ECOSYSTEMS), json=error_json(503, "busy"), status=503)
    with pytest.raises(AcretoError) as info:
        make_client(retries=0).get(ECOSYSTEMS)
    assert len(api.calls) == 1
    assert str(info.value) == f"GET /{ECOSYSTEMS} returned 503: busy"


def test_client_errors_are_not_retried(api):
    api.get(url(ECOSYSTEMS + "/nope"), json=error_json(404, "ecosystem not found"), status=404)
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS + "/nope")
    assert len(api.calls) == 1
    assert str(info.value) == f"GET /{ECOSYSTEMS}/nope returned 404: ecosystem not found"


# --- POST is never retried blindly ----------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_5xx_is_not_retried_and_is_uncertain(api, status):
    api.post(url(DEVICES), json=error_json(status, "upstream failed"), status=status, headers={"Retry-After": "1"})
    client = make_client()
    with pytest.raises(AcretoError) as info:
        client.post(DEVICES, {"name": "cam-01", "profileGroup": GROUP})
    assert len(api.calls) == 1
    assert info.value.uncertain is True
    assert str(info.value) == f"POST /{DEVICES} returned {status}: upstream failed"
    assert client.request_count == {"POST": 1}


def test_post_dropped_connection_is_not_retried_and_is_uncertain(api):
    dropped = requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response")))
    api.post(url(DEVICES), body=dropped)
    with pytest.raises(AcretoError) as info:
        make_client().post(DEVICES, {"name": "cam-01", "profileGroup": GROUP})
    assert len(api.calls) == 1
    assert info.value.uncertain is True
    assert info.value.status is None
    assert str(info.value) == (f"POST /{DEVICES} returned no response: connection to {HOSTPORT} dropped "
                               "(Remote end closed connection without response)")


def test_post_429_was_refused_so_it_is_retried(api):
    api.post(url(DEVICES), json=error_json(429, "slow down"), status=429, headers={"Retry-After": "0"})
    api.post(url(DEVICES), json=THING, status=201)
    client = make_client()
    assert client.post(DEVICES, {"name": "cam-01", "profileGroup": GROUP}) == THING
    assert len(api.calls) == 2
    assert client.request_count == {"POST": 2}


def test_post_429_until_retries_run_out_is_not_uncertain(api):
    api.post(url(DEVICES), json=error_json(429, "slow down"), status=429)
    with pytest.raises(AcretoError) as info:
        make_client().post(DEVICES, {"name": "cam-01", "profileGroup": GROUP})
    assert len(api.calls) == RETRIES + 1
    assert info.value.uncertain is False
    assert str(info.value) == f"POST /{DEVICES} returned 429 after {RETRIES} retries: slow down"


def test_post_400_error_shape(api):
    api.post(url(DEVICES), json=error_json(400, "profileGroup not found"), status=400)
    with pytest.raises(AcretoError) as info:
        make_client().post(DEVICES, {"name": "cam-01", "profileGroup": "nope"})
    err = info.value
    assert str(err) == f"POST /{DEVICES} returned 400: profileGroup not found"
    assert (err.method, err.path, err.status) == ("POST", "/" + DEVICES, 400)
    assert err.api_message == "profileGroup not found"
    assert err.api_error == {"code": 400, "message": "profileGroup not found"}
    assert err.uncertain is False
    assert err.retries == 0
    assert len(api.calls) == 1


# --- authentication -------------------------------------------------------


def test_401_logs_in_again_and_replays_with_the_new_token(api):
    api.get(url(ECOSYSTEMS), json=error_json(401, "token expired"), status=401)
    api.post(url("auth/login"), json=login_reply(expiry=300))
    api.get(url(ECOSYSTEMS), json=[{"uuid": ECOSYSTEM}])
    client = make_client(username=USERNAME, password=PASSWORD)
    assert client.get(ECOSYSTEMS) == [{"uuid": ECOSYSTEM}]
    assert calls(api) == [("GET", "/" + ECOSYSTEMS), ("POST", "/auth/login"), ("GET", "/" + ECOSYSTEMS)]
    assert api.calls[0].request.headers["Authorization"] == "Bearer " + TOKEN
    assert "Authorization" not in api.calls[1].request.headers
    assert json.loads(api.calls[1].request.body) == {"username": USERNAME, "password": PASSWORD}
    assert api.calls[2].request.headers["Authorization"] == "Bearer " + NEW_TOKEN
    assert client.token == NEW_TOKEN
    assert client.expires_in == 300
    assert client.request_count == {"GET": 2, "POST": 1}


def test_401_on_post_is_replayed_once_after_login(api):
    api.post(url(DEVICES), json=error_json(401, "token expired"), status=401)
    api.post(url("auth/login"), json=login_reply())
    api.post(url(DEVICES), json=THING, status=201)
    client = make_client(username=USERNAME, password=PASSWORD)
    assert client.post(DEVICES, {"name": "cam-01", "profileGroup": GROUP}) == THING
    assert calls(api) == [("POST", "/" + DEVICES), ("POST", "/auth/login"), ("POST", "/" + DEVICES)]
    assert api.calls[2].request.headers["Authorization"] == "Bearer " + NEW_TOKEN


def test_401_after_a_fresh_login_is_not_retried_again(api):
    api.get(url(ECOSYSTEMS), json=error_json(401, "not allowed"), status=401)
    api.post(url("auth/login"), json=login_reply())
    client = make_client(username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoAuthError) as info:
        client.get(ECOSYSTEMS)
    assert calls(api) == [("GET", "/" + ECOSYSTEMS), ("POST", "/auth/login"), ("GET", "/" + ECOSYSTEMS)]
    assert str(info.value) == (f"GET /{ECOSYSTEMS} returned 401 (with a fresh token for '{USERNAME}'): "
                               "not allowed")
    assert info.value.status == 401


def test_token_only_401_says_what_to_do(api):
    api.get(url(ECOSYSTEMS), json=error_json(401, f"token {TOKEN} expired"), status=401)
    client = make_client()
    with pytest.raises(AcretoAuthError) as info:
        client.get(ECOSYSTEMS)
    err = info.value
    assert str(err) == f"GET /{ECOSYSTEMS} returned 401: token ******** expired. " + TOKEN_REJECTED_MESSAGE
    assert TOKEN_REJECTED_MESSAGE == (
        "The API token was rejected (expired or invalid); tokens live 600 s. Pass username and password so the "
        "collection can log in again, or get a fresh token with acreto.platform.acreto_auth.")
    assert (err.method, err.path, err.status) == ("GET", "/" + ECOSYSTEMS, 401)
    assert TOKEN not in repr(err.api_message) + repr(err.api_error) + str(err)
    assert len(api.calls) == 1


def test_lazy_login_happens_once_on_the_first_request(api):
    api.post(url("auth/login"), json=login_reply())
    api.get(url(ECOSYSTEMS), json=[])
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    assert client.token is None
    assert len(api.calls) == 0
    client.get(ECOSYSTEMS)
    client.get(ECOSYSTEMS)
    assert calls(api) == [("POST", "/auth/login"), ("GET", "/" + ECOSYSTEMS), ("GET", "/" + ECOSYSTEMS)]
    assert api.calls[1].request.headers["Authorization"] == "Bearer " + NEW_TOKEN
    assert client.customers == [{"name": "Documentation", "uuid": CUSTOMER}]


def test_no_credentials_at_all(api):
    client = make_client(token=None)
    with pytest.raises(AcretoAuthError) as info:
        client.get(ECOSYSTEMS)
    assert str(info.value) == NO_CREDENTIALS_MESSAGE
    assert len(api.calls) == 0


def test_login_without_expiry_field_defaults_to_600(api):
    api.post(url("auth/login"), json=login_reply())
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    data = client.login()
    assert data == login_reply()
    assert client.token == NEW_TOKEN
    assert client.expires_in == 600
    assert client.customers == [{"name": "Documentation", "uuid": CUSTOMER}]


@pytest.mark.parametrize("expiry, expected", [(120, 120), ("900", 900), (0, 600), ("soon", 600), (None, 600)])
def test_login_with_expiry_field(api, expiry, expected):
    api.post(url("auth/login"), json=login_reply(expiry=expiry))
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    client.login()
    assert client.expires_in == expected


def test_login_401_is_an_auth_error_and_hides_the_password(api):
    api.post(url("auth/login"), json=error_json(401, f"wrong password {PASSWORD}"), status=401)
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoAuthError) as info:
        client.login()
    err = info.value
    assert str(err) == f"Login as '{USERNAME}' failed: POST /auth/login returned 401: wrong password ********"
    assert PASSWORD not in str(err) + repr(err.api_error) + str(err.api_message)
    assert err.status == 401
    assert len(api.calls) == 1


@pytest.mark.parametrize("endpoint, hint", [
    ("https://api.example.test", ", which should end in /v2, like https://api-is-rock-solid.acreto.net/v2"),
    ("https://api.example.test/v2", ""),
])
def test_login_404_shows_the_url_and_what_the_endpoint_should_look_like(api, endpoint, hint):
    api.post(endpoint + "/auth/login", json=error_json(404, "Not Found"), status=404)
    client = make_client(endpoint, token=None, username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoAuthError) as info:
        client.login()
    assert str(info.value) == (f"Login as '{USERNAME}' failed: POST /auth/login returned 404: Not Found. "
                               f"No API login at {endpoint}/auth/login: check endpoint{hint}")
    assert info.value.status == 404


def test_login_reply_without_token(api):
    api.post(url("auth/login"), json={"customers": []})
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoAuthError) as info:
        client.login()
    assert str(info.value) == f"Login as '{USERNAME}' failed: POST /auth/login returned 200 without an accessToken"


def test_login_503_is_sent_again_because_a_login_changes_nothing(api):
    api.post(url("auth/login"), json=error_json(503, "maintenance"), status=503)
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoError) as info:
        client.login()
    assert not isinstance(info.value, AcretoAuthError)
    assert str(info.value) == f"Login as '{USERNAME}' failed: POST /auth/login returned 503: maintenance"
    assert info.value.uncertain is False
    assert len(api.calls) == RETRIES + 1


def test_login_after_a_dropped_connection_and_a_502_succeeds(api):
    dropped = ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response"))
    api.post(url("auth/login"), body=dropped)
    api.post(url("auth/login"), json=error_json(502, "bad gateway"), status=502)
    api.post(url("auth/login"), json=login_reply())
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    client.login()
    assert client.token == NEW_TOKEN
    assert len(api.calls) == 3


def test_login_refused_with_400_is_not_sent_again(api):
    api.post(url("auth/login"), json=error_json(400, "username: field required"), status=400)
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoAuthError):
        client.login()
    assert len(api.calls) == 1


def test_secrets_never_appear_in_errors(api):
    echo = f"bad request from {USERNAME} with {PASSWORD} and {TOKEN} / {NEW_TOKEN}"
    api.post(url("auth/login"), json=login_reply())
    api.get(url(ECOSYSTEMS), body=echo, status=400)
    api.put(url(DEVICES + "/x"), json={"message": echo, "details": {"token": NEW_TOKEN}}, status=409)
    client = make_client(token=TOKEN, username=USERNAME, password=PASSWORD)
    client.login()
    texts = []
    for call in (lambda: client.get(ECOSYSTEMS), lambda: client.put(DEVICES + "/x", THING)):
        with pytest.raises(AcretoError) as info:
            call()
        texts.append(" ".join(map(str, (info.value, info.value.api_message, info.value.api_error, info.value.args))))
    for text in texts:
        assert PASSWORD not in text
        assert TOKEN not in text
        assert NEW_TOKEN not in text
        assert USERNAME in text
    assert texts[1].startswith(f"PUT /{DEVICES}/x returned 409: bad request from {USERNAME} with ******** and")


# --- error bodies -----------------------------------------------------------

NGINX_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def test_html_error_page_gives_its_first_meaningful_line(api):
    api.get(url(ECOSYSTEMS), body=NGINX_502, status=502, content_type="text/html")
    with pytest.raises(AcretoError) as info:
        make_client(retries=0).get(ECOSYSTEMS)
    assert str(info.value) == f"GET /{ECOSYSTEMS} returned 502: 502 Bad Gateway"
    assert info.value.api_message == "502 Bad Gateway"
    assert info.value.api_error is None


def test_html_page_with_script_and_entities(api):
    page = ("<!DOCTYPE html><html><head><style>body {color: red}</style><script>var x = 1;</script></head>"
            "<body>\n\n   <p>Service &amp; API   unavailable</p></body></html>")
    api.get(url(ECOSYSTEMS), body=page, status=500, content_type="text/html")
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert info.value.api_message == "Service & API unavailable"


def test_long_text_error_body_is_one_trimmed_line(api):
    api.get(url(ECOSYSTEMS), body="\n\n  " + "x" * 500 + "\nsecond line", status=500, content_type="text/plain")
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert info.value.api_message == "x" * 197 + "..."
    assert "\n" not in str(info.value)


def test_json_error_without_message_key(api):
    api.get(url(ECOSYSTEMS), json={"code": 500, "trace": "abc"}, status=500)
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert str(info.value) == f'GET /{ECOSYSTEMS} returned 500: {{"code": 500, "trace": "abc"}}'


def test_empty_error_body_uses_the_reason_phrase(api):
    api.get(url(ECOSYSTEMS), body="", status=403)
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert str(info.value) == f"GET /{ECOSYSTEMS} returned 403: Forbidden"
    assert info.value.api_message is None


def test_success_body_that_is_not_json(api):
    api.get(url(ECOSYSTEMS), body="<html><title>Welcome to nginx!</title></html>", status=200,
            content_type="text/html")
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert str(info.value) == (f"GET /{ECOSYSTEMS} returned a response that is not JSON (status 200, text/html): "
                               "Welcome to nginx!")
    assert info.value.status == 200


def test_redirect_is_not_followed(api):
    api.get(url(ECOSYSTEMS), status=301, headers={"Location": "https://elsewhere.example.test/v2/x"})
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert len(api.calls) == 1
    assert str(info.value) == (f"GET /{ECOSYSTEMS} returned 301: unexpected redirect to "
                               "https://elsewhere.example.test/v2/x; check the endpoint")


def test_name_resolution_failure_message(api):
    cause = NewConnectionError(None, "Failed to establish a new connection: [Errno -2] Name or service not known")
    cause.__cause__ = socket.gaierror(-2, "Name or service not known")
    api.get(url(ECOSYSTEMS), body=requests.exceptions.ConnectionError(MaxRetryError(None, "/v2", cause)))
    with pytest.raises(AcretoError) as info:
        make_client().get(ECOSYSTEMS)
    assert str(info.value) == (f"GET /{ECOSYSTEMS} returned no response: cannot connect to {HOSTPORT} "
                               "(name resolution failed: Name or service not known)")
    assert info.value.uncertain is False


def test_error_message_built_from_its_fields():
    assert describe_failure("GET", "/customers", 500, "boom") == "GET /customers returned 500: boom"
    assert describe_failure("PUT", "/x", None, "a\n  b", retries=1) == "PUT /x returned no response after 1 retry: a b"
    assert describe_failure("GET", "/x", 503, None, retries=2) == "GET /x returned 503 after 2 retries"
    assert AcretoError("plain").method is None
    assert issubclass(AcretoAuthError, AcretoError)


def test_backoff_is_capped_and_jittered():
    client = AcretoClient(ENDPOINT, token=TOKEN, backoff_factor=1, backoff_max=2.5)
    retry = client._session.get_adapter(ENDPOINT).max_retries
    entry = RequestHistory("GET", "/", None, 503, None)
    assert retry.new(history=(entry,)).get_backoff_time() == 0
    two = [retry.new(history=(entry, entry)).get_backoff_time() for dummy in range(50)]
    assert all(2 <= value <= 2.5 for value in two)
    assert len(set(two)) > 1
    assert retry.new(history=(entry,) * 6).get_backoff_time() == 2.5


# --- against a real local server ----------------------------------------------


class ScriptedServer:
    """A local HTTP(S) server that answers from a script: a list of actions, the last one repeating.

    Action: ("json", status, body, headers), "drop" (close without answering), ("sleep", seconds).
    """

    def __init__(self, actions, tls_dir=None):
        self.actions = list(actions)
        self.hits = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.hits.append((self.command, self.path, dict(self.headers), body, self.client_address[1]))
                action = server.actions.pop(0) if len(server.actions) > 1 else server.actions[0]
                if action == "drop":
                    self.close_connection = True
                    return
                if action[0] == "sleep":
                    time.sleep(action[1])
                    action = ("json", 200, {"late": True}, {})
                dummy, status, payload, headers = action
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if tls_dir is not None:
            cert = tls_dir / "cert.pem"
            key = tls_dir / "key.pem"
            cert.write_text(TEST_CERT)
            key.write_text(TEST_KEY)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(cert), str(key))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.ca_path = str(cert)
            scheme = "https"
        self.port = self.httpd.server_address[1]
        self.endpoint = f"{scheme}://127.0.0.1:{self.port}/v2"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(name="server_factory")
def fixture_server_factory():
    servers = []

    def start(actions, tls_dir=None):
        servers.append(ScriptedServer(actions, tls_dir))
        return servers[-1]

    yield start
    for item in servers:
        item.stop()


@pytest.fixture(name="sleeps")
def fixture_sleeps(monkeypatch):
    """Records urllib3's retry sleeps instead of sleeping."""
    recorded = []
    fake_time = types.SimpleNamespace(sleep=recorded.append, time=time.time, monotonic=time.monotonic)
    monkeypatch.setattr(urllib3.util.retry, "time", fake_time)
    return recorded


OK = ("json", 200, {"ok": True}, {})


def test_keep_alive_one_connection_for_all_calls(server_factory):
    server = server_factory([OK])
    client = make_client(server.endpoint)
    for dummy in range(4):
        assert client.get(ECOSYSTEMS) == {"ok": True}
    assert len(server.hits) == 4
    assert len({hit[4] for hit in server.hits}) == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_dropped_connections_are_retried_for_idempotent_methods(server_factory, method):
    server = server_factory(["drop", "drop", OK])
    client = make_client(server.endpoint)
    assert client.request(method, ECOSYSTEMS, body={} if method == "PUT" else None) == {"ok": True}
    assert [hit[0] for hit in server.hits] == [method] * 3
    assert client.request_count == {method: 3}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_dropped_connections_until_retries_run_out(server_factory, method):
    server = server_factory(["drop"])
    client = make_client(server.endpoint)
    with pytest.raises(AcretoError) as info:
        client.request(method, ECOSYSTEMS, body={} if method == "PUT" else None)
    assert len(server.hits) == RETRIES + 1
    assert str(info.value).startswith(f"{method} /{ECOSYSTEMS} returned no response after {RETRIES} retries: "
                                      f"connection to 127.0.0.1:{server.port} dropped (")
    assert info.value.uncertain is False


def test_dropped_post_is_sent_once_and_uncertain(server_factory):
    server = server_factory(["drop", ("json", 201, THING, {})])
    client = make_client(server.endpoint)
    with pytest.raises(AcretoError) as info:
        client.post(DEVICES, {"name": "cam-01", "profileGroup": GROUP})
    assert len(server.hits) == 1
    assert info.value.uncertain is True
    assert str(info.value).startswith(f"POST /{DEVICES} returned no response: connection to 127.0.0.1:")


def test_read_timeout_get_is_retried_post_is_not(server_factory):
    server = server_factory([("sleep", 0.4), OK])
    client = make_client(server.endpoint, timeout=0.1)
    assert client.get(ECOSYSTEMS) == {"ok": True}
    assert len(server.hits) == 2

    server.actions = [("sleep", 0.4), OK]
    with pytest.raises(AcretoError) as info:
        client.post(DEVICES, {"name": "cam-01", "profileGroup": GROUP})
    assert len(server.hits) == 3
    assert info.value.uncertain is True
    assert str(info.value) == (f"POST /{DEVICES} returned no response: no answer from 127.0.0.1:{server.port} "
                               "within 0.1 s (read timeout)")


def test_retry_after_is_honoured(server_factory, sleeps):
    server = server_factory([("json", 429, error_json(429, "slow down"), {"Retry-After": "2"}),
                             ("json", 503, error_json(503, "busy"), {"Retry-After": "1"}), OK])
    client = make_client(server.endpoint)
    assert client.get(ECOSYSTEMS) == {"ok": True}
    assert sleeps == [2, 1]
    assert len(server.hits) == 3


def test_retry_after_on_post_429_then_created(server_factory, sleeps):
    server = server_factory([("json", 429, error_json(429, "slow down"), {"Retry-After": "3"}),
                             ("json", 201, THING, {})])
    client = make_client(server.endpoint)
    assert client.post(DEVICES, {"name": "cam-01", "profileGroup": GROUP}) == THING
    assert sleeps == [3]
    assert len(server.hits) == 2


def test_retry_after_is_capped(server_factory, sleeps):
    server = server_factory([("json", 429, error_json(429, "later"), {"Retry-After": "86400"}), OK])
    assert make_client(server.endpoint).get(ECOSYSTEMS) == {"ok": True}
    assert sleeps == [RETRY_AFTER_MAX]


def test_backoff_without_retry_after(server_factory, sleeps):
    server = server_factory([("json", 503, error_json(503, "busy"), {})])
    client = make_client(server.endpoint, backoff_factor=0.5, backoff_max=1.5)
    with pytest.raises(AcretoError):
        client.get(ECOSYSTEMS)
    assert len(server.hits) == RETRIES + 1
    # urllib3 retries the first time at once, then backs off exponentially (with jitter), capped
    assert len(sleeps) == RETRIES - 1
    assert 1 <= sleeps[0] <= 1.5
    assert sleeps[1] == 1.5


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_connection_refused_is_retried_twice_and_explained(method):
    port = closed_port()
    client = make_client(f"http://127.0.0.1:{port}/v2")
    with pytest.raises(AcretoError) as info:
        client.request(method, ECOSYSTEMS)
    # a refused connection is not worth the whole backoff: CONNECT_RETRIES quick tries only
    assert str(info.value) == (f"{method} /{ECOSYSTEMS} returned no response after {CONNECT_RETRIES} retries: "
                               f"cannot connect to 127.0.0.1:{port} (Connection refused)")
    # never sent, so a POST is not uncertain and may be retried
    assert info.value.uncertain is False
    assert client.request_count == {method: CONNECT_RETRIES + 1}


def test_backoff_of_repeats_made_by_the_caller_grows_and_is_capped():
    client = make_client(backoff_factor=0.5, backoff_max=3)
    for dummy in range(20):
        assert 0.5 <= client.retry_delay(1) <= 1.0
        assert 2.0 <= client.retry_delay(3) <= 2.5
        assert client.retry_delay(6) == 3


def test_tls_verification_failure_names_the_options(server_factory, tmp_path):
    server = server_factory([OK], tls_dir=tmp_path)
    client = make_client(server.endpoint)
    with pytest.raises(AcretoError) as info:
        client.get(ECOSYSTEMS)
    message = str(info.value)
    assert message.startswith(f"GET /{ECOSYSTEMS} returned no response: certificate verification failed for "
                              f"127.0.0.1:{server.port} (")
    assert "set ca_path to the CA certificate" in message
    assert "validate_certs to false" in message
    assert "\n" not in message
    assert info.value.retries == 0
    assert server.hits == []


def test_https_to_a_plain_http_server_is_a_tls_error_without_retries(server_factory):
    server = server_factory([OK])
    endpoint = server.endpoint.replace("http://", "https://")
    client = make_client(endpoint)
    with pytest.raises(AcretoError) as info:
        client.get(ECOSYSTEMS)
    assert str(info.value).startswith(f"GET /{ECOSYSTEMS} returned no response: TLS handshake with "
                                      f"127.0.0.1:{server.port} failed (")
    assert str(info.value).endswith("; the server may speak plain HTTP: if so, the endpoint starts with http://")
    assert info.value.uncertain is False
    assert client.request_count == {"GET": 1}
    assert server.hits == []


def test_tls_with_ca_path(server_factory, tmp_path):
    server = server_factory([OK], tls_dir=tmp_path)
    assert make_client(server.endpoint, ca_path=server.ca_path).get(ECOSYSTEMS) == {"ok": True}


def test_tls_without_verification_does_not_warn(server_factory, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    server = server_factory([OK], tls_dir=tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert make_client(server.endpoint, validate_certs=False).get(ECOSYSTEMS) == {"ok": True}
    assert [str(item.message) for item in caught] == []


# --- one client, many threads ----------------------------------------------------


class PathServer:
    """A local HTTP server whose answer depends on the path: /v2/fail/<status>/<n>/<id> answers <status> n times,
    then 404 (never retried), so that the error message of that request counts exactly n retries.
    /v2/auth/login issues token-<number of logins>; /v2/whoami answers 401 to any token but the newest one issued."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = {}
        self.logins = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

            def answer(self, status, payload, headers=()):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers:
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                parts = self.path.strip("/").split("/")
                if parts[1:] == ["auth", "login"]:
                    with server.lock:
                        server.logins += 1
                        token = "token-%d" % server.logins
                    time.sleep(0.05)  # a login takes a while: other threads get their 401 meanwhile
                    return self.answer(200, {"accessToken": token, "customers": []})
                if parts[1:] == ["whoami"]:
                    with server.lock:
                        newest = "token-%d" % server.logins
                    if self.headers.get("Authorization") != "Bearer " + newest:
                        return self.answer(401, {"code": 401, "message": "token %s expired" % self.headers.get("Authorization")})
                    return self.answer(200, {"token": newest})
                dummy, dummy, status, times, ident = parts
                with server.lock:
                    count = server.seen[ident] = server.seen.get(ident, 0) + 1
                if count <= int(times):
                    return self.answer(int(status), {"code": int(status), "message": "busy"}, [("Retry-After", "0")])
                # the token is echoed back, as some APIs do: the client must hide it
                return self.answer(404, {"code": 404, "message": "gone after %d tries for %s" % (count, self.headers.get("Authorization"))})

            do_GET = do_PUT = _handle
            do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.endpoint = "http://127.0.0.1:%d/v2" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(name="path_server")
def fixture_path_server():
    server = PathServer()
    yield server
    server.stop()


def in_threads(count, work):
    """Run work(i) in `count` threads that start together; returns what each returned or raised, by i."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(i):
        barrier.wait()
        try:
            outcomes[i] = work(i)
        except AcretoError as err:  # pylint: disable=broad-except
            outcomes[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_sixteen_threads_each_error_counts_its_own_retries(path_server):
    client = make_client(path_server.endpoint, retries=5, pool_maxsize=16)

    def work(i):
        # 0 to 3 retries each, on 429 for even threads and 503 for odd ones, then a 404
        return client.get("fail/%d/%d/t%d" % (429 if i % 2 == 0 else 503, i % 4, i))

    outcomes = in_threads(16, work)

    for i, err in enumerate(outcomes):
        retries = i % 4
        counted = "" if not retries else " after %d retr%s" % (retries, "y" if retries == 1 else "ies")
        assert isinstance(err, AcretoError), err
        assert str(err) == "GET /fail/%d/%d/t%d returned 404%s: gone after %d tries for Bearer ********" % (
            429 if i % 2 == 0 else 503, retries, i, counted, retries + 1)
        assert err.retries == retries
    assert client.request_count == {"GET": 16 + sum(i % 4 for i in range(16))}
    assert client.throttled == sum(i % 4 for i in range(0, 16, 2))


def test_sixteen_threads_with_an_expired_token_log_in_once(path_server):
    client = make_client(path_server.endpoint, username=USERNAME, password=PASSWORD, token="token-old", pool_maxsize=16)

    outcomes = in_threads(16, lambda i: client.get("whoami"))

    assert outcomes == [{"token": "token-1"}] * 16
    assert path_server.logins == 1
    assert client.token == "token-1"


def test_errors_of_other_threads_hide_a_token_issued_meanwhile(path_server):
    client = make_client(path_server.endpoint, username=USERNAME, password=PASSWORD, token="token-old", pool_maxsize=16)

    def work(i):
        # half the threads renew the token; the others fail and must hide every token they may print
        return client.get("whoami" if i % 2 else "fail/503/0/r%d" % i)

    outcomes = in_threads(16, work)

    assert path_server.logins == 1
    for i, outcome in enumerate(outcomes):
        if i % 2:
            assert outcome == {"token": "token-1"}
        else:
            assert isinstance(outcome, AcretoError) and "token-" not in str(outcome), outcome
            assert str(outcome).endswith("for Bearer ********")


# --- CA bundles that are not there ---------------------------------------------------------


@pytest.mark.parametrize("endpoint", [ENDPOINT, "http://api.example.test/v2"])
def test_a_ca_path_that_does_not_exist_fails_before_any_request_whatever_the_scheme(api, endpoint, tmp_path):
    missing = str(tmp_path / "no-such-ca.pem")
    with pytest.raises(AcretoError) as info:
        make_client(endpoint, ca_path=missing)
    assert str(info.value) == (f"ca_path '{missing}' does not exist; give the file (PEM) of the CA certificates that "
                               "signed the API's certificate.")
    assert len(api.calls) == 0


def test_a_ca_path_that_cannot_be_read_says_so(tmp_path, monkeypatch):
    unreadable = tmp_path / "ca.pem"
    unreadable.write_text(TEST_CERT)
    monkeypatch.setattr("os.access", lambda path, mode: path != str(unreadable))
    with pytest.raises(AcretoError) as info:
        make_client(ca_path=str(unreadable))
    assert str(info.value) == f"ca_path '{unreadable}' cannot be read (permission denied)."


def test_a_ca_bundle_from_the_environment_that_does_not_exist_names_the_variable(tmp_path, monkeypatch):
    missing = str(tmp_path / "bundle.pem")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", missing)
    with pytest.raises(AcretoError) as info:
        make_client()
    assert str(info.value).startswith(f"the environment variable REQUESTS_CA_BUNDLE '{missing}' does not exist")


# --- endpoints that would expose a secret -----------------------------------------------------------


@pytest.mark.parametrize("endpoint, message", [
    ("https://someone:pw-Zq8%23unit@api.example.test/v2",
     "endpoint 'https://***@api.example.test/v2' holds a user name or password; give them as username and password "
     "instead, which the modules send to the login, not to every request."),
    ("https://someone:pw-Zq8#unit@api.example.test:99999/v2",
     "endpoint 'https://***@api.example.test:99999/v2' is not a valid URL (its host or port cannot be read)."),
    ("https://api.example.test:port/v2", "endpoint 'https://api.example.test:port/v2' is not a valid URL (its host or port cannot be read)."),
])
def test_an_endpoint_with_credentials_or_a_bad_port_fails_without_echoing_them(api, endpoint, message):
    with pytest.raises(AcretoError) as info:
        make_client(endpoint)
    assert str(info.value) == message
    assert "Zq8" not in str(info.value)
    assert len(api.calls) == 0


@pytest.mark.parametrize("name, secret", [
    ("password", "line\nbreak-secret"), ("password", "bell\x07secret"),
    ("token", "line\nbreak-secret"), ("token", "tab\tsecret-value"), ("token", "bell\x07secret"),
])
def test_a_secret_with_a_control_character_is_refused_without_echoing_it(api, name, secret):
    with pytest.raises(AcretoError) as info:
        make_client(**{"username": USERNAME, name: secret})
    assert str(info.value) == (f"{name} holds a line break or another control character, which cannot be sent; check how "
                               "it is read (a vaulted file, a lookup).")
    assert "secret" not in str(info.value)
    assert len(api.calls) == 0


# --- secrets echoed back in every shape -----------------------------------------------------------------

SPACED_PASSWORD = "pw with  runs\tof\t\tspace"
LONG_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoic29tZW9uZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1sb25n"


def pieces(secret, size):
    """Every piece of `size` characters of a secret, the white space squeezed as a message would."""
    squeezed = " ".join(secret.split())
    return {text[i:i + size] for text in (secret, squeezed) for i in range(0, max(1, len(text) - size + 1))}


def leaked(text, secret, size):
    return sorted(piece for piece in pieces(secret, size) if piece in text)


def error_text(err):
    return " ".join(map(str, (err, err.api_message, err.api_error, err.args)))


@pytest.mark.parametrize("shape, body, kwargs", [
    ("a long message that ends in the token", None, {"json": {"message": "x" * 230 + " token=" + LONG_TOKEN}}),
    ("the token as a JSON key", None, {"json": {"message": "bad", "seen": {LONG_TOKEN: True}}}),
    ("the token in a text body", "denied for " + LONG_TOKEN, {}),
    ("the token in an HTML page", "<html><title>Denied " + LONG_TOKEN + "</title></html>", {}),
    ("the token URL-encoded in a redirect", None, {"status": 302, "headers": {"Location": "https://x.test/?t=" + LONG_TOKEN}}),
])
def test_the_token_never_shows_in_any_shape(api, shape, body, kwargs):
    status = kwargs.pop("status", 400)
    if body is not None:
        kwargs["body"] = body
    api.get(url(ECOSYSTEMS), status=status, **kwargs)
    with pytest.raises(AcretoError) as info:
        make_client(token=LONG_TOKEN).get(ECOSYSTEMS)
    assert leaked(error_text(info.value), LONG_TOKEN, 12) == [], shape


@pytest.mark.parametrize("shape, make_body", [
    ("at about character 190 of the message", lambda pw: {"message": "y" * 188 + pw}),
    ("with its white space squeezed", lambda pw: {"message": "no user with password " + " ".join(pw.split())}),
    ("JSON-escaped in a text body", lambda pw: "login refused: " + json.dumps({"password": pw})),
    ("as a JSON key", lambda pw: {"message": "bad", pw: "was the password"}),
    ("HTML-escaped", lambda pw: "<p>password &quot;" + pw.replace("&", "&amp;") + "&quot; is wrong</p>"),
])
def test_the_password_never_shows_in_any_shape(api, shape, make_body):
    body = make_body(SPACED_PASSWORD)
    api.post(url("auth/login"), status=401, **({"json": body} if isinstance(body, dict) else {"body": body}))
    with pytest.raises(AcretoError) as info:
        make_client(token=None, username=USERNAME, password=SPACED_PASSWORD).login()
    assert leaked(error_text(info.value), SPACED_PASSWORD, 10) == [], shape
    assert str(info.value).startswith(f"Login as '{USERNAME}' failed: POST /auth/login returned 401")


def test_a_password_url_encoded_in_a_redirect_does_not_show(api):
    password = "p@ss w/rd&more-secret"
    api.post(url("auth/login"), status=302, headers={"Location": "https://sso.test/login?password=" + quote(password, safe="")})
    with pytest.raises(AcretoError) as info:
        make_client(token=None, username=USERNAME, password=password).login()
    assert leaked(error_text(info.value), password, 10) == []
    assert leaked(error_text(info.value), quote(password, safe=""), 10) == []
    assert "unexpected redirect to https://sso.test/login?password=********" in str(info.value)


def test_a_token_learnt_at_login_is_hidden_like_the_password(api):
    api.post(url("auth/login"), json=login_reply(token=LONG_TOKEN))
    api.get(url(ECOSYSTEMS), json={"message": "your token " + quote(LONG_TOKEN) + " is odd"}, status=400)
    client = make_client(token=None, username=USERNAME, password=PASSWORD)
    with pytest.raises(AcretoError) as info:
        client.get(ECOSYSTEMS)
    assert leaked(error_text(info.value), LONG_TOKEN, 12) == []
