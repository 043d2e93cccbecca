"""A newer API and odd answers: fields of Things that the document never showed, lists answered page by page,
and faults that answer with a body and headers of their own."""

import pytest

from conftest import DEVICES_PATH, ECOSYSTEM_PATH, GROUP, assert_error
from test_cli import assert_one_line_error

THING = {"name": "t", "profileGroup": GROUP}
CUSTOMER_PATH = ECOSYSTEM_PATH.split("/ecosystems/")[0]


def add_fault(sim, **spec):
    response = sim.ctl("POST", "/faults", json=spec)
    assert response.status_code == 200, response.text
    return response.json()


# --- --thing-extra-field ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def newer_sim(tmp_path_factory):
    from acreto_sim.testing import SimulatorProcess

    sim = SimulatorProcess(["--commit-seconds", "0", "--thing-extra-field", 'description=""',
                            "--thing-extra-field", 'labels={"zone": null}', "--page-size", "2"],
                           workdir=str(tmp_path_factory.mktemp("newer"))).start()
    sim.token = sim.login()
    yield sim
    assert sim.stop() == 0, sim.stderr()


def test_extra_fields_are_stored_returned_and_reset_by_a_put_that_omits_them(newer_sim):
    sim = newer_sim
    created = sim.api("POST", DEVICES_PATH, json=dict(THING, description="the door camera")).json()
    assert created["description"] == "the door camera"
    assert created["labels"] == {"zone": None}  # left out: its default
    path = DEVICES_PATH + "/" + created["uuid"]
    assert sim.api("GET", path).json()["description"] == "the door camera"
    listed = [thing for thing in sim.api("GET", DEVICES_PATH).json() if thing["uuid"] == created["uuid"]]
    assert listed[0]["description"] == "the door camera"

    replaced = sim.api("PUT", path, json=dict(THING, labels={"zone": "hall"})).json()
    assert replaced["description"] == "" and replaced["labels"] == {"zone": "hall"}
    assert sim.api("GET", path).json() == replaced
    assert sim.api("DELETE", path).status_code == 204


def test_seeded_things_show_the_extra_fields_at_their_defaults(tmp_path, start_sim):
    seed = tmp_path / "seed.yaml"
    seed.write_text("""
users: [{uuid: 5fdb6311-d058-0c36-de65-eff41e0ca063, username: someone@somedomain.com,
         customers: [6741632b-b337-4cd0-3cbc-e900e2c77fa3]}]
customers:
  - uuid: 6741632b-b337-4cd0-3cbc-e900e2c77fa3
    name: Documentation
    ecosystems:
      - uuid: 049d6701-a8d3-ca61-662e-3f6adbbd4156
        name: Documentation Ecosystem
        groups: [{name: Profile Group 1, uuid: 06f93ee9-3153-3111-8150-01b3d5389106}]
        devices: [{name: seeded, profileGroup: 06f93ee9-3153-3111-8150-01b3d5389106}]
""")
    sim = start_sim(["--seed", str(seed), "--thing-extra-field", "rank=7"])
    sim.token = sim.login()
    assert [(thing["name"], thing["rank"]) for thing in sim.api("GET", DEVICES_PATH).json()] == [("seeded", 7)]


def test_the_config_shows_the_extra_fields_and_the_page_size(newer_sim):
    config = newer_sim.ctl("GET", "/config").json()
    assert config["thing_extra_fields"] == {"description": "", "labels": {"zone": None}}
    assert config["page_size"] == 2


def test_without_the_flag_an_unknown_field_is_ignored(sim):
    created = sim.api("POST", DEVICES_PATH, json=dict(THING, description="x")).json()
    assert "description" not in created


@pytest.mark.parametrize("value, words", [
    ("description", ["--thing-extra-field", "not NAME=JSON_DEFAULT"]),
    ("=1", ["not NAME=JSON_DEFAULT"]),
    ("description=nope", ["the default is not JSON"]),
    ("assetValue=1", ["assetValue is a field of every Thing already"]),
])
def test_bad_extra_fields(value, words):
    from test_cli import run_cli

    assert_one_line_error(run_cli("--port", "0", "--thing-extra-field", value), *words, code=2)


# --- paging ----------------------------------------------------------------------------------------

def read_pages(sim, path):
    """Every page of a list, following its Link headers; returns the pages."""
    pages = []
    url = sim.url + "/v2" + path
    while url:
        response = sim.session.get(url, headers={"Authorization": "Bearer " + sim.token})
        assert response.status_code == 200, response.text
        pages.append(response.json())
        following = response.links.get("next", {}).get("url")
        url = sim.url + following if following else None
    return pages


def test_page_size_from_the_command_line_pages_every_list(newer_sim):
    sim = newer_sim
    sim.ctl("POST", "/reset")
    sim.token = sim.login()
    for index in range(3):
        assert sim.api("POST", DEVICES_PATH, json=dict(THING, name="t%d" % index)).status_code == 201
    pages = read_pages(sim, DEVICES_PATH)
    assert [len(page) for page in pages] == [2, 1]
    names = [thing["name"] for page in pages for thing in page]
    assert sorted(names) == sorted(set(names)) and {"t0", "t1", "t2"} <= set(names)
    assert [len(page) for page in read_pages(sim, CUSTOMER_PATH + "/ecosystems")] == [2]


def test_page_size_through_the_config(sim):
    for index in range(2):
        sim.api("POST", DEVICES_PATH, json=dict(THING, name="t%d" % index))
    whole = sim.api("GET", DEVICES_PATH)
    assert "Link" not in whole.headers and len(whole.json()) == 2
    assert sim.ctl("PATCH", "/config", json={"page_size": 1}).json()["page_size"] == 1
    first = sim.api("GET", DEVICES_PATH)
    assert first.headers["Link"] == '</v2%s?page=2>; rel="next"' % DEVICES_PATH
    assert [len(page) for page in read_pages(sim, DEVICES_PATH)] == [1, 1]
    assert [thing["uuid"] for page in read_pages(sim, DEVICES_PATH) for thing in page] == \
        [thing["uuid"] for thing in whole.json()]
    assert_error(sim.api("GET", DEVICES_PATH + "?page=x"), 400, "page")


# --- faults with a body and headers ----------------------------------------------------------------

def test_a_fault_answers_raw_text_with_its_content_type(sim):
    add_fault(sim, method="GET", path="/devices$", body="<html><title>Sign in</title></html>", content_type="text/html")
    response = sim.api("GET", DEVICES_PATH)
    assert response.status_code == 200
    assert response.text == "<html><title>Sign in</title></html>"
    assert response.headers["Content-Type"] == "text/html"


def test_a_fault_answers_json_with_a_status_and_headers(sim):
    add_fault(sim, path="/devices$", status=200, body={"data": [], "total": 0},
              headers={"Link": '<http://elsewhere.example/v2/x>; rel="next"'}, count=1)
    response = sim.api("GET", DEVICES_PATH)
    assert response.json() == {"data": [], "total": 0}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Link"] == '<http://elsewhere.example/v2/x>; rel="next"'
    assert sim.api("GET", DEVICES_PATH).json() != {"data": [], "total": 0}  # count=1: used up


def test_a_fault_answers_truncated_json_and_an_empty_body(sim):
    add_fault(sim, path="/devices$", body='[{"uuid": "0a', count=1)
    assert sim.api("GET", DEVICES_PATH).text == '[{"uuid": "0a'
    add_fault(sim, path="/devices$", body="", count=1)
    response = sim.api("GET", DEVICES_PATH)
    assert response.status_code == 200 and response.content == b""
    assert "Content-Type" not in response.headers


def test_a_fault_body_is_shown_and_logged(sim):
    sim.ctl("DELETE", "/requests")
    fault = add_fault(sim, path="/ecosystems$", body=None, status=200, headers={"X-Odd": "1"})
    assert fault["body"] is None and fault["headers"] == {"X-Odd": "1"} and fault["content_type"] is None
    response = sim.api("GET", CUSTOMER_PATH + "/ecosystems")
    assert response.headers["X-Odd"] == "1"
    assert sim.ctl("GET", "/requests").json() == [{"method": "GET", "path": "/v2" + CUSTOMER_PATH + "/ecosystems",
                                                   "status": 200}]


def test_a_fault_needs_something_to_do(sim):
    assert_error(sim.ctl("POST", "/faults", json={"path": "devices"}), 400, "body or headers")
