"""Things (devices): validation, PUT replaces the whole resource, access, error shape."""

import concurrent.futures

import pytest
import requests

from conftest import (CAMERAS, CUSTOMER, DEVICES_PATH, ECOSYSTEM_PATH, GROUP, LAB, LAB_GROUP,
                      OTHER_CUSTOMER, OTHER_ECOSYSTEM, ZERO_EXPIRY, assert_error)

FULL = {"name": "cam-01", "type": "camera", "category": "Video", "assetValue": 7,
        "expiry": {"time": "2030-06-30T12:00:00.000Z", "type": "date"}, "profileGroup": GROUP}


def create(sim, **fields):
    body = dict(FULL, **fields)
    response = sim.api("POST", DEVICES_PATH, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_with_only_required_fields_gets_zero_values(sim):
    response = sim.api("POST", DEVICES_PATH, json={"name": "bare", "profileGroup": GROUP})
    assert response.status_code == 201
    thing = response.json()
    uuid = thing.pop("uuid")
    assert thing == {"assetValue": 0, "category": "", "expiry": ZERO_EXPIRY, "name": "bare",
                     "profileGroup": GROUP, "type": ""}
    assert sim.api("GET", DEVICES_PATH + "/" + uuid).json()["uuid"] == uuid


def test_null_optional_fields_take_zero_values(sim):
    thing = create(sim, type=None, category=None, assetValue=None, expiry=None)
    assert (thing["type"], thing["category"], thing["assetValue"], thing["expiry"]) == ("", "", 0, ZERO_EXPIRY)


def test_unknown_fields_and_uuid_in_the_body_are_ignored(sim):
    thing = create(sim, color="red", uuid="00000000-0000-0000-0000-000000000000", nested={"a": 1})
    assert "color" not in thing and "nested" not in thing
    assert thing["uuid"] != "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("change,field", [
    ({"name": None}, "name"),
    ({"name": ""}, "name"),
    ({"name": 5}, "name"),
    ({"profileGroup": None}, "profileGroup"),
    ({"profileGroup": ""}, "profileGroup"),
    ({"profileGroup": 1}, "profileGroup"),
    ({"assetValue": "x"}, "assetValue"),
    ({"assetValue": "5"}, "assetValue"),
    ({"assetValue": 1.5}, "assetValue"),
    ({"assetValue": True}, "assetValue"),
    ({"assetValue": -1}, "assetValue"),
    ({"type": 3}, "type"),
    ({"category": ["IoT"]}, "category"),
    ({"expiry": "2030-01-01T00:00:00Z"}, "expiry"),
    ({"expiry": {"time": "tomorrow", "type": ""}}, "expiry.time"),
    ({"expiry": {"time": "2030-01-01", "type": ""}}, "expiry.time"),
    ({"expiry": {"time": "2030-13-01T00:00:00Z", "type": ""}}, "expiry.time"),
    ({"expiry": {"time": "", "type": ""}}, "expiry.time"),
    ({"expiry": {"time": "2030-01-01T00:00:00Z", "type": 1}}, "expiry.type"),
])
def test_validation_errors_get_400_naming_the_field(sim, change, field):
    body = dict(FULL)
    for key, value in change.items():
        if value is None and key in ("name", "profileGroup"):
            del body[key]
        else:
            body[key] = value
    response = sim.api("POST", DEVICES_PATH, json=body)
    assert_error(response, 400, field)
    # the same rules hold for PUT
    uuid = create(sim)["uuid"]
    assert_error(sim.api("PUT", DEVICES_PATH + "/" + uuid, json=body), 400, field)
    assert len(sim.api("GET", DEVICES_PATH).json()) == 1


def test_profile_group_must_belong_to_the_ecosystem(sim):
    for group in ("00000000-0000-0000-0000-000000000000", CAMERAS):
        assert_error(sim.api("POST", DEVICES_PATH, json=dict(FULL, profileGroup=group)), 400, "profileGroup", group)
    lab_devices = "/customers/%s/ecosystems/%s/devices" % (CUSTOMER, LAB)
    response = sim.api("POST", lab_devices, json=dict(FULL, profileGroup=CAMERAS))
    assert response.status_code == 201 and response.json()["profileGroup"] == CAMERAS
    assert sim.api("GET", DEVICES_PATH).json() == []


def test_body_that_is_not_a_json_object_gets_400(sim):
    for data, words in (("", ("body is required",)), ("{", ("not valid JSON",)), ('["a"]', ("JSON object",))):
        response = sim.api("POST", DEVICES_PATH, data=data, headers={"Content-Type": "application/json"})
        assert_error(response, 400, *words)


def test_expiry_time_accepts_rfc3339_and_answers_in_the_api_format(sim):
    cases = {
        "2030-06-30T12:00:00Z": "2030-06-30T12:00:00.000Z",
        "2030-06-30T12:00:00.5Z": "2030-06-30T12:00:00.500Z",
        "2030-06-30T14:00:00.123456+02:00": "2030-06-30T12:00:00.123Z",
        "2030-06-30t12:00:00z": "2030-06-30T12:00:00.000Z",
        "0001-01-01T00:00:00.000Z": "0001-01-01T00:00:00.000Z",
    }
    for given, stored in cases.items():
        thing = create(sim, expiry={"time": given, "type": "date"})
        assert thing["expiry"] == {"time": stored, "type": "date"}, given


def test_expiry_without_type_or_time(sim):
    assert create(sim, expiry={})["expiry"] == ZERO_EXPIRY
    assert create(sim, expiry={"type": "date"})["expiry"] == {"time": ZERO_EXPIRY["time"], "type": "date"}


def test_names_are_not_unique(sim):
    first, second = create(sim, name="twin"), create(sim, name="twin")
    assert first["uuid"] != second["uuid"]
    assert [t["name"] for t in sim.api("GET", DEVICES_PATH).json()] == ["twin", "twin"]


def test_list_read_and_delete(sim):
    things = [create(sim, name="t%d" % i) for i in range(3)]
    assert sim.api("GET", DEVICES_PATH).json() == things
    response = sim.api("DELETE", DEVICES_PATH + "/" + things[1]["uuid"])
    assert response.status_code == 204 and response.content == b""
    assert sim.api("GET", DEVICES_PATH).json() == [things[0], things[2]]
    assert_error(sim.api("GET", DEVICES_PATH + "/" + things[1]["uuid"]), 404, things[1]["uuid"])
    assert_error(sim.api("DELETE", DEVICES_PATH + "/" + things[1]["uuid"]), 404)


def test_put_replaces_the_whole_resource(sim):
    thing = create(sim)
    path = DEVICES_PATH + "/" + thing["uuid"]
    response = sim.api("PUT", path, json={"name": "renamed", "profileGroup": GROUP})
    assert response.status_code == 200
    expected = {"assetValue": 0, "category": "", "expiry": ZERO_EXPIRY, "name": "renamed",
                "profileGroup": GROUP, "type": "", "uuid": thing["uuid"]}
    assert response.json() == expected
    assert sim.api("GET", path).json() == expected


def test_put_with_every_field_keeps_them(sim):
    thing = create(sim)
    body = {k: v for k, v in thing.items() if k != "uuid"}
    body["assetValue"] = 9
    response = sim.api("PUT", DEVICES_PATH + "/" + thing["uuid"], json=body)
    assert response.json() == dict(thing, assetValue=9)


def test_put_needs_name_and_profile_group(sim):
    thing = create(sim)
    path = DEVICES_PATH + "/" + thing["uuid"]
    assert_error(sim.api("PUT", path, json={"profileGroup": GROUP, "assetValue": 3}), 400, "name")
    assert_error(sim.api("PUT", path, json={"name": "x"}), 400, "profileGroup")
    assert sim.api("GET", path).json() == thing


def test_put_of_unknown_device_is_404(sim):
    response = sim.api("PUT", DEVICES_PATH + "/11111111-2222-3333-4444-555555555555", json=FULL)
    assert_error(response, 404, "device")


OWN_PATHS = [
    ("GET", "/customers/{c}/ecosystems"),
    ("GET", "/customers/{c}/ecosystems/{e}"),
    ("GET", "/customers/{c}/ecosystems/{e}/groups"),
    ("GET", "/customers/{c}/ecosystems/{e}/devices"),
    ("POST", "/customers/{c}/ecosystems/{e}/devices"),
    ("GET", "/customers/{c}/ecosystems/{e}/devices/0b5c7d9e-2f41-4a63-8c85-a7e9f1b3d5c7"),
    ("PUT", "/customers/{c}/ecosystems/{e}/devices/0b5c7d9e-2f41-4a63-8c85-a7e9f1b3d5c7"),
    ("DELETE", "/customers/{c}/ecosystems/{e}/devices/0b5c7d9e-2f41-4a63-8c85-a7e9f1b3d5c7"),
    ("POST", "/customers/{c}/ecosystems/{e}/commits"),
]


@pytest.mark.parametrize("method,template", OWN_PATHS)
def test_other_customer_is_404(sim, method, template):
    path = template.format(c=OTHER_CUSTOMER, e=OTHER_ECOSYSTEM)
    kwargs = {"json": dict(FULL, profileGroup="f1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b")} if method in ("POST", "PUT") \
        else {}
    assert_error(sim.api(method, path, **kwargs), 404, "customer")
    # the other customer's ecosystem under our own customer is unknown too
    path = template.format(c=CUSTOMER, e=OTHER_ECOSYSTEM)
    if "{e}" in template:
        assert_error(sim.api(method, path, **kwargs), 404, "ecosystem")
    # and its owner still sees it
    other = sim.login("other@otherdomain.com")
    if method == "GET":
        assert sim.api(method, template.format(c=OTHER_CUSTOMER, e=OTHER_ECOSYSTEM), token=other).status_code == 200


def test_unknown_ids_are_404(sim):
    assert_error(sim.api("GET", "/customers/not-a-uuid/ecosystems"), 404, "customer")
    assert_error(sim.api("GET", "/customers/%s/ecosystems/%s" % (CUSTOMER, GROUP)), 404, "ecosystem")
    assert_error(sim.api("GET", DEVICES_PATH + "/" + GROUP), 404, "device")


def test_unknown_route_and_wrong_method_use_the_error_shape(sim):
    assert_error(sim.api("GET", "/nothing/here"), 404)
    assert_error(sim.request("GET", "/"), 404)
    assert_error(sim.api("GET", DEVICES_PATH + "/"), 404)
    response = sim.api("PATCH", DEVICES_PATH)
    assert_error(response, 405)
    assert "POST" in response.headers["Allow"]
    assert_error(sim.api("DELETE", ECOSYSTEM_PATH), 405)


def test_concurrent_writes_are_all_kept(sim):
    def worker(n):
        uuids = []
        with requests.Session() as session:  # one connection per client thread
            for i in range(25):
                response = session.post(sim.url + "/v2" + DEVICES_PATH, json=dict(FULL, name="c%d-%d" % (n, i)),
                                        headers={"Authorization": "Bearer " + sim.token}, timeout=10)
                assert response.status_code == 201, response.text
                uuids.append(response.json()["uuid"])
        return uuids

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        uuids = [u for batch in pool.map(worker, range(8)) for u in batch]
    assert len(uuids) == len(set(uuids)) == 200
    listed = sim.api("GET", DEVICES_PATH).json()
    assert sorted(t["uuid"] for t in listed) == sorted(uuids)
    posts = [r for r in sim.ctl("GET", "/requests").json() if r["method"] == "POST" and r["path"].endswith("/devices")]
    assert len(posts) == 200 and {r["status"] for r in posts} == {201}


def test_lab_ecosystem_things_are_separate(sim):
    lab = "/customers/%s/ecosystems/%s" % (CUSTOMER, LAB)
    response = sim.api("POST", lab + "/devices", json=dict(FULL, profileGroup=LAB_GROUP))
    assert response.status_code == 201
    assert sim.api("GET", DEVICES_PATH).json() == []
    assert sim.api("GET", lab).json()["status"] == "pending_changes"
    assert sim.api("GET", ECOSYSTEM_PATH).json()["status"] == "ok"
