"""The quick start document replayed step by step, fields checked against the document."""

import re

import jwt

from conftest import (CAMERAS, CUSTOMER, DEVICES_PATH, ECOSYSTEM, ECOSYSTEM_PATH, GROUP, LAB, LAB_GROUP,
                      OTHER_CUSTOMER, OTHER_ECOSYSTEM, OTHER_USERNAME, USER_UUID, USERNAME, wait_for_status)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Objects as printed in the document (status aside: it changes along the way).
DOC_ECOSYSTEM = {
    "created": "2020-09-30T10:24:00.000Z",
    "name": "Documentation Ecosystem",
    "nsps": [{"name": "EWR1", "status": "green"}],
    "owner": {"fullName": "John Doe", "username": "someone@somedomain.com",
              "uuid": "5fdb6311-d058-0c36-de65-eff41e0ca063"},
    "uuid": "049d6701-a8d3-ca61-662e-3f6adbbd4156",
}
DOC_THING = {
    "assetValue": 1,
    "category": "IoT",
    "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""},
    "name": "My first Thing",
    "profileGroup": "06f93ee9-3153-3111-8150-01b3d5389106",
    "type": "device",
}
JSON = {"Content-type": "application/json"}


def test_quick_start_step_by_step(sim):
    sim.token = None

    # 1. login
    response = sim.api("POST", "/auth/login", headers=dict(JSON),
                       data='{"username":"%s","password":"%s"}' % (USERNAME, sim.password))
    assert response.status_code == 200
    login = response.json()
    assert set(login) == {"accessToken", "customers"}  # no expiry field unless --login-expiry-field
    assert login["customers"] == [{"name": "Documentation", "uuid": "6741632b-b337-4cd0-3cbc-e900e2c77fa3"}]
    token = login["accessToken"]
    assert isinstance(token, str) and token.count(".") == 2
    auth = dict(JSON, Authorization="Bearer " + token)
    customer = login["customers"][0]["uuid"]

    # 2. list ecosystems and pick the document's one
    response = sim.api("GET", "/customers/%s/ecosystems" % customer, headers=auth)
    assert response.status_code == 200
    ecosystems = response.json()
    [eco] = [e for e in ecosystems if e["name"] == "Documentation Ecosystem"]
    assert sorted(eco) == ["created", "name", "nsps", "owner", "status", "uuid"]
    assert {k: v for k, v in eco.items() if k != "status"} == DOC_ECOSYSTEM
    assert eco["status"] == "ok"
    ecosystem = eco["uuid"]

    # 3. list profile groups: the first one exists from the start
    response = sim.api("GET", "/customers/%s/ecosystems/%s/groups" % (customer, ecosystem), headers=auth)
    assert response.status_code == 200
    assert response.json() == [{"name": "Profile Group 1", "uuid": "06f93ee9-3153-3111-8150-01b3d5389106"}]
    group = response.json()[0]["uuid"]

    # 4. create a Thing with the document's body, byte for byte
    body = '{"name":"My first Thing", "type": "device","category":"IoT","assetValue":1, "profileGroup": "%s" }' % group
    response = sim.api("POST", "/customers/%s/ecosystems/%s/devices" % (customer, ecosystem), headers=auth, data=body)
    assert response.status_code in (200, 201)
    thing = response.json()
    assert sorted(thing) == ["assetValue", "category", "expiry", "name", "profileGroup", "type", "uuid"]
    assert {k: v for k, v in thing.items() if k != "uuid"} == DOC_THING
    assert UUID.match(thing["uuid"])

    # the document lists the ecosystem as pending_changes once a change is staged
    assert sim.api("GET", "/customers/%s/ecosystems" % customer, headers=auth).json()[0]["status"] == \
        "pending_changes"

    # 5. read the Thing
    response = sim.api("GET", "/customers/%s/ecosystems/%s/devices/%s" % (customer, ecosystem, thing["uuid"]),
                       headers=auth)
    assert response.status_code == 200
    assert response.json() == thing

    # 6. commit: empty body in, no response body out
    response = sim.api("POST", "/customers/%s/ecosystems/%s/commits" % (customer, ecosystem), headers=auth)
    assert response.status_code in (200, 204)
    assert response.content == b""

    # 7. poll the ecosystem: commit_in_progress, then ok
    response = sim.api("GET", "/customers/%s/ecosystems/%s" % (customer, ecosystem), headers=auth)
    assert response.status_code == 200
    eco = response.json()
    assert {k: v for k, v in eco.items() if k != "status"} == DOC_ECOSYSTEM
    assert eco["status"] == "commit_in_progress"
    sim.token = token
    assert wait_for_status(sim, "ok") == ["commit_in_progress", "ok"]
    assert sim.api("GET", DEVICES_PATH).json() == [thing]


def test_token_is_a_signed_jwt_with_username_uuid_and_expiry(sim):
    token = sim.login()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["username"] == USERNAME
    assert claims["uuid"] == USER_UUID
    assert claims["expiry"] == 600
    assert 599 <= claims["exp"] - claims["iat"] <= 601


def test_seed_data(sim):
    """The document's objects plus the Lab Ecosystem, and a second user who sees only their own customer."""
    ecosystems = sim.api("GET", "/customers/%s/ecosystems" % CUSTOMER).json()
    assert [(e["name"], e["uuid"], e["status"], e["nsps"]) for e in ecosystems] == [
        ("Documentation Ecosystem", ECOSYSTEM, "ok", [{"name": "EWR1", "status": "green"}]),
        ("Lab Ecosystem", LAB, "ok", [{"name": "EWR1", "status": "green"}]),
    ]
    assert sim.api("GET", ECOSYSTEM_PATH + "/groups").json() == [{"name": "Profile Group 1", "uuid": GROUP}]
    assert sim.api("GET", "/customers/%s/ecosystems/%s/groups" % (CUSTOMER, LAB)).json() == [
        {"name": "Profile Group 1", "uuid": LAB_GROUP}, {"name": "Cameras", "uuid": CAMERAS}]
    assert sim.api("GET", DEVICES_PATH).json() == []

    response = sim.api("POST", "/auth/login", token="", json={"username": OTHER_USERNAME, "password": sim.password})
    assert response.status_code == 200
    assert response.json()["customers"] == [{"name": "Other Customer", "uuid": OTHER_CUSTOMER}]
    other = response.json()["accessToken"]
    [eco] = sim.api("GET", "/customers/%s/ecosystems" % OTHER_CUSTOMER, token=other).json()
    assert eco["name"] == "Other Ecosystem" and eco["uuid"] == OTHER_ECOSYSTEM
    assert eco["owner"]["username"] == OTHER_USERNAME
