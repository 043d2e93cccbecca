"""The control API answers only what a web page cannot forge: JSON writes, addressed to a loopback Host."""

import pytest

from acreto_sim.control_guard import host_name, is_loopback
from conftest import DEVICES_PATH, GROUP, PASSWORD, USERNAME, assert_error


def port_of(sim):
    return sim.url.rsplit(":", 1)[1]


def add_thing(sim):
    response = sim.api("POST", DEVICES_PATH, json={"name": "kept", "profileGroup": GROUP})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("headers,body", [
    ({"Content-Type": "text/plain"}, "{}"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, "a=b"),
    ({"Content-Type": "multipart/form-data; boundary=x"}, "--x--"),
    ({}, None),
])
def test_a_write_that_a_page_could_send_gets_415_and_changes_nothing(sim, headers, body):
    add_thing(sim)
    response = sim.request("POST", "/_sim/reset", token="", headers=headers, data=body)
    assert_error(response, 415, "Content-Type: application/json")
    assert [thing["name"] for thing in sim.api("GET", DEVICES_PATH).json()] == ["kept"]


def test_every_write_method_needs_json_and_reads_do_not(sim):
    for method, path in (("DELETE", "/_sim/faults"), ("PATCH", "/_sim/config"), ("POST", "/_sim/tokens/expire")):
        assert_error(sim.request(method, path, token="", headers={"Content-Type": "text/plain"}), 415, method)
    assert sim.request("GET", "/_sim/config", token="").status_code == 200
    assert sim.api("GET", DEVICES_PATH).status_code == 200  # the tokens were not expired


def test_json_with_parameters_is_json(sim):
    response = sim.request("PATCH", "/_sim/config", token="", data='{"commit_seconds": 2}',
                           headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert response.status_code == 200, response.text
    assert response.json()["commit_seconds"] == 2.0


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
                                  "localhost.evil.example", "10.0.0.5:{port}"])
def test_a_foreign_host_gets_421_and_no_tokens(sim, host):
    token = sim.login()
    response = sim.request("GET", "/_sim/tokens", token="", headers={"Host": host.format(port=port_of(sim))})
    assert_error(response, 421, "localhost", "--host")
    assert token not in response.text
    # writes too, JSON or not
    assert_error(sim.ctl("POST", "/reset", headers={"Host": host.format(port=port_of(sim))}), 421)


def test_a_request_without_host_gets_421(sim):
    # requests always sends Host; an empty one stands for a client that sends none
    assert_error(sim.request("GET", "/_sim/config", token="", headers={"Host": ""}), 421)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:{port}", "127.0.0.1:{port}", "127.0.0.2", "[::1]:{port}"])
def test_loopback_hosts_are_served(sim, host):
    response = sim.request("GET", "/_sim/config", token="", headers={"Host": host.format(port=port_of(sim))})
    assert response.status_code == 200, response.text


def test_the_api_under_v2_takes_any_host(sim):
    response = sim.request("POST", "/v2/auth/login", token="", headers={"Host": "api.example.com"},
                           json={"username": USERNAME, "password": PASSWORD})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("host,loopback", [
    ("localhost", True), ("127.0.0.1", True), ("127.9.8.7", True), ("::1", True), ("0.0.0.0", False),
    ("::", False), ("192.168.1.10", False), ("example.com", False), ("", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("header,name", [
    ("localhost:8080", "localhost"), ("[::1]:8080", "::1"), ("[::1]", "::1"), ("example.com", "example.com"),
    ("", ""),
])
def test_host_name(header, name):
    assert host_name(header) == name
