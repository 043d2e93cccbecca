"""GET /_sim/tokens: every access token the simulator issued, so that tests can look for them in logs."""

from conftest import ECOSYSTEM_PATH, OTHER_USERNAME, PASSWORD, USERNAME


def test_lists_each_issued_token_in_order_with_its_user_and_times(sim):
    before = sim.ctl("GET", "/tokens").json()
    first = sim.login()
    second = sim.login(OTHER_USERNAME, PASSWORD)
    response = sim.ctl("GET", "/tokens")
    assert response.status_code == 200
    added = response.json()[len(before):]
    assert [(t["token"], t["username"]) for t in added] == [(first, USERNAME), (second, OTHER_USERNAME)]
    assert all(t["exp"] - t["iat"] == 600 for t in added)


def test_failed_logins_issue_no_token(sim):
    before = sim.ctl("GET", "/tokens").json()
    response = sim.api("POST", "/auth/login", token="", json={"username": USERNAME, "password": "wrong"})
    assert response.status_code == 401
    assert sim.ctl("GET", "/tokens").json() == before


def test_the_list_survives_a_reset_like_the_tokens_themselves(sim):
    token = sim.login()
    sim.ctl("POST", "/reset")
    assert token in [t["token"] for t in sim.ctl("GET", "/tokens").json()]
    assert sim.api("GET", ECOSYSTEM_PATH, token=token).status_code == 200
    assert sim.ctl("GET", "/requests").json()[-1]["path"] == "/v2" + ECOSYSTEM_PATH
