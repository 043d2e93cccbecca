"""Login, bearer tokens, expiry."""

import time

import jwt
import pytest

from conftest import CUSTOMER, ECOSYSTEM_PATH, OTHER_USERNAME, USERNAME, assert_error

ECOSYSTEMS = "/customers/%s/ecosystems" % CUSTOMER


@pytest.mark.parametrize("username,password", [
    (USERNAME, "wrong"),
    ("nobody@somedomain.com", "quick-start-pw"),
    (USERNAME, ""),
])
def test_wrong_credentials_get_401(sim, username, password):
    response = sim.api("POST", "/auth/login", token="", json={"username": username, "password": password})
    assert_error(response, 401, "invalid username or password")


@pytest.mark.parametrize("body,field", [
    ({"username": USERNAME}, "password"),
    ({"password": "x"}, "username"),
    ({"username": USERNAME, "password": 5}, "password"),
    ({"username": ["a"], "password": "x"}, "username"),
])
def test_malformed_login_gets_400_naming_the_field(sim, body, field):
    response = sim.api("POST", "/auth/login", token="", json=body)
    assert_error(response, 400, field)


@pytest.mark.parametrize("data,words", [
    ("", ("body is required",)),
    ("{not json", ("not valid JSON",)),
    ("[1, 2]", ("JSON object",)),
    ("null", ("JSON object",)),
])
def test_login_body_that_is_not_an_object_gets_400(sim, data, words):
    response = sim.api("POST", "/auth/login", token="", data=data, headers={"Content-Type": "application/json"})
    assert_error(response, 400, *words)


def test_second_user_logs_in_with_the_same_password(sim):
    token = sim.login(OTHER_USERNAME)
    assert jwt.decode(token, options={"verify_signature": False})["username"] == OTHER_USERNAME


@pytest.mark.parametrize("header", [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Basic c29tZW9uZTpwdw==",
    "Bearer not-a-token",
    "Bearer " + jwt.encode({"username": USERNAME, "uuid": "5fdb6311-d058-0c36-de65-eff41e0ca063",
                            "expiry": 600, "exp": time.time() + 600, "gen": 0}, "another-secret-key-of-32-bytes!!",
                           algorithm="HS256"),
])
def test_missing_malformed_or_forged_token_gets_401(sim, header):
    headers = {} if header is None else {"Authorization": header}
    for method, path in (("GET", ECOSYSTEMS), ("GET", ECOSYSTEM_PATH + "/devices"),
                         ("POST", ECOSYSTEM_PATH + "/commits")):
        response = sim.api(method, path, token="", headers=dict(headers))
        assert_error(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bearer_scheme_is_case_insensitive(sim):
    response = sim.api("GET", ECOSYSTEMS, token="", headers={"Authorization": "bearer " + sim.token})
    assert response.status_code == 200


def test_control_expire_invalidates_every_token_issued_so_far(sim):
    first, second = sim.login(), sim.login(OTHER_USERNAME)
    assert sim.api("GET", ECOSYSTEMS, token=first).status_code == 200
    response = sim.ctl("POST", "/tokens/expire")
    assert response.status_code == 200
    assert_error(sim.api("GET", ECOSYSTEMS, token=first), 401, "expired")
    assert_error(sim.api("GET", "/customers/2d7f9b14-6c3a-4e81-9f02-b5e8a7c4d613/ecosystems", token=second),
                 401, "expired")
    fresh = sim.login()
    assert sim.api("GET", ECOSYSTEMS, token=fresh).status_code == 200


def test_token_ttl_flag_expires_tokens(start_sim):
    sim = start_sim(["--token-ttl", "1"])
    token = sim.login()
    assert jwt.decode(token, options={"verify_signature": False})["expiry"] == 1
    assert sim.api("GET", ECOSYSTEMS, token=token).status_code == 200
    time.sleep(1.1)
    assert_error(sim.api("GET", ECOSYSTEMS, token=token), 401, "expired")
    assert sim.api("GET", ECOSYSTEMS, token=sim.login()).status_code == 200


def test_token_ttl_can_change_at_run_time(sim):
    response = sim.ctl("PATCH", "/config", json={"token_ttl": 1})
    assert response.status_code == 200 and response.json()["token_ttl"] == 1
    token = sim.login()
    assert sim.api("GET", ECOSYSTEMS, token=token).status_code == 200
    time.sleep(1.1)
    assert_error(sim.api("GET", ECOSYSTEMS, token=token), 401)


def test_login_expiry_field_flag(start_sim):
    sim = start_sim(["--login-expiry-field", "--token-ttl", "900"])
    response = sim.api("POST", "/auth/login", json={"username": USERNAME, "password": sim.password})
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["accessToken", "customers", "expiry"]
    assert body["expiry"] == 900
    assert sim.ctl("GET", "/config").json() == {"commit_seconds": 3.0, "token_ttl": 900, "login_expiry_field": True,
                                                "latency_ms": 0.0, "latency_jitter_ms": 0.0, "page_size": 0,
                                                "thing_extra_fields": {}}


def test_login_expiry_field_can_be_switched_at_run_time(sim):
    assert "expiry" not in sim.api("POST", "/auth/login", json={"username": USERNAME, "password": sim.password}).json()
    sim.ctl("PATCH", "/config", json={"login_expiry_field": True})
    body = sim.api("POST", "/auth/login", json={"username": USERNAME, "password": sim.password}).json()
    assert body["expiry"] == 600


def test_control_api_needs_no_token(sim):
    assert sim.ctl("GET", "/config", token="").status_code == 200
    assert sim.ctl("GET", "/requests", token="").status_code == 200
