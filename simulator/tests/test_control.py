"""The control API under /_sim: reset, request log, config."""

from conftest import DEVICES_PATH, ECOSYSTEM, ECOSYSTEM_PATH, GROUP, assert_error


def test_reset_restores_seed_data_status_config_faults_and_log(sim):
    sim.api("POST", DEVICES_PATH, json={"name": "t", "profileGroup": GROUP})
    sim.ctl("POST", "/ecosystems/%s/status" % ECOSYSTEM, json={"status": "ecosystem_error"})
    sim.ctl("PATCH", "/config", json={"commit_seconds": 7, "token_ttl": 5, "login_expiry_field": True, "latency_ms": 30,
                                      "latency_jitter_ms": 5})
    sim.ctl("POST", "/faults", json={"path": "/nowhere", "status": 500})
    assert sim.ctl("GET", "/requests").json()
    response = sim.ctl("POST", "/reset")
    assert response.status_code == 200
    assert sim.ctl("GET", "/requests").json() == []
    assert sim.ctl("GET", "/faults").json() == []
    assert sim.ctl("GET", "/config").json() == {"commit_seconds": 1.0, "token_ttl": 600, "login_expiry_field": False,
                                                "latency_ms": 0.0, "latency_jitter_ms": 0.0, "page_size": 0,
                                                "thing_extra_fields": {}}
    assert sim.api("GET", DEVICES_PATH).json() == []
    assert sim.api("GET", ECOSYSTEM_PATH).json()["status"] == "ok"


def test_tokens_survive_a_reset(sim):
    sim.ctl("POST", "/reset")
    assert sim.api("GET", ECOSYSTEM_PATH).status_code == 200


def test_request_log_lists_v2_requests_in_order_as_received(sim):
    sim.ctl("DELETE", "/requests")
    sim.api("GET", ECOSYSTEM_PATH)
    created = sim.api("POST", DEVICES_PATH, json={"name": "t", "profileGroup": GROUP}).json()
    sim.api("PUT", DEVICES_PATH + "/" + created["uuid"], json={"name": "u", "profileGroup": GROUP})
    sim.api("POST", DEVICES_PATH, json={"name": "no group"})
    sim.api("DELETE", DEVICES_PATH + "/" + created["uuid"])
    sim.api("GET", "/nowhere")
    sim.request("GET", "/not-v2")
    sim.ctl("GET", "/config")
    log = sim.ctl("GET", "/requests").json()
    assert log == [
        {"method": "GET", "path": "/v2" + ECOSYSTEM_PATH, "status": 200},
        {"method": "POST", "path": "/v2" + DEVICES_PATH, "status": 201},
        {"method": "PUT", "path": "/v2" + DEVICES_PATH + "/" + created["uuid"], "status": 200},
        {"method": "POST", "path": "/v2" + DEVICES_PATH, "status": 400},
        {"method": "DELETE", "path": "/v2" + DEVICES_PATH + "/" + created["uuid"], "status": 204},
        {"method": "GET", "path": "/v2/nowhere", "status": 404},
    ]
    response = sim.ctl("DELETE", "/requests")
    assert response.status_code == 200
    assert sim.ctl("GET", "/requests").json() == []


def test_request_log_counts_logins_and_401s(sim):
    sim.ctl("DELETE", "/requests")
    sim.login()
    sim.api("GET", ECOSYSTEM_PATH, token="bad")
    assert [(r["method"], r["path"], r["status"]) for r in sim.ctl("GET", "/requests").json()] == [
        ("POST", "/v2/auth/login", 200), ("GET", "/v2" + ECOSYSTEM_PATH, 401)]


def test_config_patch_validates(sim):
    assert_error(sim.ctl("PATCH", "/config", json={"commit_seconds": -1}), 400, "commit_seconds")
    assert_error(sim.ctl("PATCH", "/config", json={"token_ttl": 0}), 400, "token_ttl")
    assert_error(sim.ctl("PATCH", "/config", json={"token_ttl": "5"}), 400, "token_ttl")
    assert_error(sim.ctl("PATCH", "/config", json={"speed": 5}), 400, "speed")
    assert_error(sim.ctl("PATCH", "/config", json={"page_size": -1}), 400, "page_size")
    assert_error(sim.ctl("PATCH", "/config", json={"thing_extra_fields": {}}), 400, "thing_extra_fields")
    response = sim.ctl("PATCH", "/config", json={"commit_seconds": 2})
    assert response.json() == {"commit_seconds": 2.0, "token_ttl": 600, "login_expiry_field": False,
                               "latency_ms": 0.0, "latency_jitter_ms": 0.0, "page_size": 0,
                                                "thing_extra_fields": {}}
    assert sim.ctl("GET", "/config").json()["commit_seconds"] == 2.0


def test_control_api_errors_use_the_error_shape(sim):
    assert_error(sim.ctl("GET", "/nothing"), 404)
    assert_error(sim.ctl("PUT", "/reset"), 405)


def test_openapi_document_is_served_under_sim(sim):
    response = sim.ctl("GET", "/openapi.json")
    assert response.status_code == 200
    assert "/v2/auth/login" in response.json()["paths"]
