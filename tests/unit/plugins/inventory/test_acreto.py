# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin, loaded as Ansible loads it, against the API mocked with `responses`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses
import yaml
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    CAMERAS, CUSTOMER, DOC_ECO, ECO_PATH, ENDPOINT, GROUP, LAB_ECO, PASSWORD, TOKEN, USERNAME, FakeAcreto, ecosystem, thing,
)

LAB_PATH = "/customers/%s/ecosystems/%s" % (CUSTOMER["uuid"], LAB_ECO)
LAB_GROUP = {"name": "Profile Group 1", "uuid": "3c1e5f0a-8d2b-4e6f-a1b7-2f9c0d4e8a55"}
CAM = thing("lobby cam", "c86c8910-1770-818b-a0c8-cf9d91201001", profileGroup=GROUP["uuid"], category="Camera", assetValue=3)
PRINTER = thing("printer", "c86c8910-1770-818b-a0c8-cf9d91201002", profileGroup=GROUP["uuid"], category="IoT", assetValue=1)
LAB_PRINTER = thing("printer", "d86c8910-1770-818b-a0c8-cf9d91201003", profileGroup=CAMERAS["uuid"], category="Camera")
LAB_SENSOR = thing("Door sensor", "d86c8910-1770-818b-a0c8-cf9d91201004", profileGroup=LAB_GROUP["uuid"], category="IoT",
                   type="sensor", assetValue=5)
CONNECTION = {"endpoint": ENDPOINT, "username": USERNAME, "password": PASSWORD}


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeAcreto(rsps)


@pytest.fixture(autouse=True)
def no_acreto_environment(monkeypatch):
    for name in ("ACRETO_ENDPOINT", "ACRETO_USERNAME", "ACRETO_PASSWORD", "ACRETO_TOKEN", "ACRETO_CA_PATH"):
        monkeypatch.delenv(name, raising=False)


def two_ecosystems(api, status="ok"):
    api.login()
    api.ecosystems(ecosystem(status=status), ecosystem("Lab Ecosystem", LAB_ECO, status="pending_changes"))
    api.add("GET", ECO_PATH + "/groups", [GROUP])
    api.add("GET", ECO_PATH + "/devices", [CAM, PRINTER])
    api.add("GET", LAB_PATH + "/groups", [LAB_GROUP, CAMERAS])
    api.add("GET", LAB_PATH + "/devices", [LAB_PRINTER, LAB_SENSOR])


def load(tmp_path, read_cache=True, **config):
    """The inventory that the plugin makes of `config`, as ansible-inventory would load it."""
    path = tmp_path / "test.acreto.yml"
    path.write_text(yaml.safe_dump(dict(plugin="acreto.platform.acreto", **config)))
    plugin = inventory_loader.get("acreto.platform.acreto")
    assert plugin.verify_file(str(path))
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=read_cache)
    if config.get("cache"):
        # as the inventory manager does after a parse
        plugin.update_cache_if_changed()
    return inventory


def hosts_of(inventory, group):
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def paths(api):
    return [(method, path) for method, path, dummy in api.sent()]


def test_the_file_name_must_end_in_acreto_yml(tmp_path):
    plugin = inventory_loader.get("acreto.platform.acreto")
    for name, ok in (("lab.acreto.yml", True), ("acreto.yaml", True), ("lab.yml", False), ("acreto.yml.bak", False)):
        path = tmp_path / name
        path.write_text("plugin: acreto.platform.acreto\n")
        assert plugin.verify_file(str(path)) is ok, name


def test_one_host_per_thing_with_its_variables_groups_and_one_request_per_list(api, tmp_path):
    two_ecosystems(api)

    inventory = load(tmp_path, **CONNECTION)

    cam = inventory.get_host("lobby cam").get_vars()
    assert {k: v for k, v in cam.items() if k.startswith("acreto_")} == {
        "acreto_uuid": CAM["uuid"], "acreto_name": "lobby cam", "acreto_type": "device", "acreto_category": "Camera",
        "acreto_asset_value": 3, "acreto_expiry": CAM["expiry"], "acreto_profile_group": "Profile Group 1",
        "acreto_profile_group_uuid": GROUP["uuid"], "acreto_ecosystem": "Documentation Ecosystem",
        "acreto_ecosystem_uuid": DOC_ECO, "acreto_ecosystem_status": "ok", "acreto_customer": "Documentation",
    }
    assert inventory.get_host("Door sensor").get_vars()["acreto_ecosystem_status"] == "pending_changes"
    assert hosts_of(inventory, "acreto_documentation_ecosystem_profile_group_1") == ["lobby cam", "printer_c86c8910"]
    assert hosts_of(inventory, "acreto_lab_ecosystem_cameras") == ["printer_d86c8910"]
    assert hosts_of(inventory, "acreto_lab_ecosystem_profile_group_1") == ["Door sensor"]
    assert sorted(group.name for group in inventory.groups["acreto_lab_ecosystem"].child_groups) == [
        "acreto_lab_ecosystem_cameras", "acreto_lab_ecosystem_profile_group_1"]
    assert sorted(host.name for host in inventory.groups["acreto_lab_ecosystem"].get_hosts()) == ["Door sensor", "printer_d86c8910"]
    assert paths(api)[:2] == [("POST", "/auth/login"), ("GET", "/customers/%s/ecosystems" % CUSTOMER["uuid"])]
    assert sorted(paths(api)[2:]) == sorted([("GET", ECO_PATH + "/groups"), ("GET", ECO_PATH + "/devices"),
                                             ("GET", LAB_PATH + "/groups"), ("GET", LAB_PATH + "/devices")])


def test_two_things_with_one_host_name_are_both_kept_under_names_with_their_uuid(api, tmp_path, monkeypatch):
    two_ecosystems(api)
    warnings = []
    monkeypatch.setattr("ansible.utils.display.Display.warning", lambda self, msg, *a, **k: warnings.append(msg))

    inventory = load(tmp_path, **CONNECTION)

    assert "printer" not in inventory.hosts
    assert inventory.get_host("printer_c86c8910").get_vars()["acreto_uuid"] == PRINTER["uuid"]
    assert inventory.get_host("printer_d86c8910").get_vars()["acreto_uuid"] == LAB_PRINTER["uuid"]
    assert len(inventory.hosts) == 4
    assert warnings == ["acreto inventory: several Things would be named 'printer'; each of them is named with the first "
                        "eight characters of its uuid added."]


def test_the_hostname_expression_names_the_hosts(api, tmp_path):
    two_ecosystems(api)

    inventory = load(tmp_path, hostname="acreto_ecosystem.split()[0] | lower ~ '-' ~ acreto_name | replace(' ', '-')", **CONNECTION)

    assert sorted(inventory.hosts) == ["documentation-lobby-cam", "documentation-printer", "lab-Door-sensor", "lab-printer"]


def test_a_hostname_expression_that_fails_is_one_line(api, tmp_path):
    two_ecosystems(api)

    with pytest.raises(AnsibleParserError) as info:
        load(tmp_path, hostname="acreto_name ~ no_such_variable", **CONNECTION)

    assert str(info.value.message).startswith("hostname: ")
    assert "no_such_variable" in str(info.value.message) and "\n" not in str(info.value.message)


def test_filters_cost_no_request(api, tmp_path):
    two_ecosystems(api)

    inventory = load(tmp_path, ecosystems=["Lab Ecosystem"], profile_groups=["cameras", LAB_GROUP["uuid"].upper()],
                     categories=["Camera"], **CONNECTION)

    assert sorted(inventory.hosts) == ["printer"]
    assert sorted(paths(api)[2:]) == [("GET", LAB_PATH + "/devices"), ("GET", LAB_PATH + "/groups")]


def test_ecosystems_by_uuid_and_name_are_read_once(api, tmp_path):
    two_ecosystems(api)

    inventory = load(tmp_path, ecosystems=[LAB_ECO.upper(), "Lab Ecosystem"], **CONNECTION)

    assert sorted(inventory.hosts) == ["Door sensor", "printer"]
    assert len(paths(api)) == 4


def test_an_unknown_ecosystem_fails_in_one_line(api, tmp_path):
    two_ecosystems(api)

    with pytest.raises(AnsibleParserError) as info:
        load(tmp_path, ecosystems=["Production"], **CONNECTION)

    assert info.value.message == ("Ecosystem 'Production' not found for customer 'Documentation' "
                                  "(found: 'Documentation Ecosystem', 'Lab Ecosystem').")


def test_a_profile_group_that_no_thing_has_gives_a_warning(api, tmp_path, monkeypatch):
    two_ecosystems(api)
    warnings = []
    monkeypatch.setattr("ansible.utils.display.Display.warning", lambda self, msg, *a, **k: warnings.append(msg))

    inventory = load(tmp_path, profile_groups=["Printers", "Cameras"], **CONNECTION)

    assert sorted(inventory.hosts) == ["printer"]
    assert warnings == ["acreto inventory: no Thing is in a profile group named 'printers' in the ecosystems read."]


def test_compose_groups_and_keyed_groups(api, tmp_path):
    two_ecosystems(api)

    inventory = load(tmp_path, compose={"value_doubled": "acreto_asset_value * 2"},
                     groups={"critical": "acreto_asset_value >= 3"},
                     keyed_groups=[{"key": "acreto_category", "prefix": "category"}], **CONNECTION)

    assert inventory.get_host("lobby cam").get_vars()["value_doubled"] == 6
    assert hosts_of(inventory, "critical") == ["Door sensor", "lobby cam"]
    assert hosts_of(inventory, "category_Camera") == ["lobby cam", "printer_d86c8910"]
    assert hosts_of(inventory, "category_IoT") == ["Door sensor", "printer_c86c8910"]


def test_group_names_that_clash_after_sanitising_get_the_uuid(api, tmp_path):
    api.login()
    api.ecosystems(ecosystem("Lab-1", DOC_ECO), ecosystem("lab 1", LAB_ECO))
    api.add("GET", ECO_PATH + "/groups", [])
    api.add("GET", ECO_PATH + "/devices", [])
    api.add("GET", LAB_PATH + "/groups", [])
    api.add("GET", LAB_PATH + "/devices", [])

    inventory = load(tmp_path, **CONNECTION)

    assert sorted(name for name in inventory.groups if name.startswith("acreto_")) == [
        "acreto_lab_1_%s" % DOC_ECO[:8], "acreto_lab_1_%s" % LAB_ECO[:8]]


def test_the_cache_serves_a_second_run_without_any_request(api, tmp_path):
    two_ecosystems(api)
    cache = dict(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(tmp_path / "cache"), **CONNECTION)

    first = load(tmp_path, **cache)
    sent = len(api.sent())
    second = load(tmp_path, **cache)

    assert len(api.sent()) == sent == 6
    assert sorted(second.hosts) == sorted(first.hosts)
    assert list((tmp_path / "cache").iterdir())
    # ansible-inventory --flush-cache: read the API again and write the cache
    load(tmp_path, read_cache=False, **cache)
    assert len(api.sent()) == 12


def test_a_token_alone_with_the_customer_uuid(api, tmp_path):
    api.ecosystems(ecosystem())
    api.add("GET", ECO_PATH + "/groups", [GROUP])
    api.add("GET", ECO_PATH + "/devices", [CAM])

    inventory = load(tmp_path, endpoint=ENDPOINT, token=TOKEN, customer=CUSTOMER["uuid"])

    assert sorted(inventory.hosts) == ["lobby cam"]
    assert all(call.request.headers["Authorization"] == "Bearer " + TOKEN for call in api.rsps.calls)


def test_a_token_alone_without_the_customer_uuid_fails_in_one_line(api, tmp_path):
    with pytest.raises(AnsibleParserError) as info:
        load(tmp_path, endpoint=ENDPOINT, token=TOKEN, customer="Documentation")

    assert info.value.message == ("With a token and no username, customer must be given as a uuid (customer names come "
                                  "from the login); got 'Documentation'.")
    assert api.sent() == []


def test_the_connection_from_the_environment_only(api, tmp_path, monkeypatch):
    monkeypatch.setenv("ACRETO_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("ACRETO_USERNAME", USERNAME)
    monkeypatch.setenv("ACRETO_PASSWORD", PASSWORD)
    two_ecosystems(api)

    inventory = load(tmp_path)

    assert len(inventory.hosts) == 4


def test_templated_options_are_rendered(api, tmp_path):
    two_ecosystems(api)

    inventory = load(tmp_path, endpoint=ENDPOINT, username="{{ 'someone@' ~ 'somedomain.com' }}", password="{{ '%s' }}" % PASSWORD)

    assert len(inventory.hosts) == 4


@pytest.mark.parametrize("config, message", [
    ({"endpoint": ENDPOINT}, "No credentials: set username and password (or ACRETO_USERNAME and ACRETO_PASSWORD), "
                             "or token (ACRETO_TOKEN)."),
    ({"endpoint": ENDPOINT, "username": USERNAME}, "username was given without password (set password or ACRETO_PASSWORD)."),
    (dict(CONNECTION, parallelism=0), "parallelism must be between 1 and 32, got 0."),
    (dict(CONNECTION, timeout=0), "timeout must be a number of seconds greater than 0, got 0."),
    (dict(CONNECTION, ca_path="/nonexistent/ca.pem"),
     "ca_path '/nonexistent/ca.pem' does not exist; give the file (PEM) of the CA certificates that signed the API's certificate."),
])
def test_bad_configuration_fails_in_one_line_before_any_request(api, tmp_path, config, message):
    with pytest.raises(AnsibleParserError) as info:
        load(tmp_path, **config)

    assert info.value.message == message
    assert api.sent() == []


def test_a_wrong_password_fails_in_one_line_without_the_password(api, tmp_path):
    api.add("POST", "/auth/login", {"code": 401, "message": "invalid username or password"}, status=401)

    with pytest.raises(AnsibleParserError) as info:
        load(tmp_path, **CONNECTION)

    assert info.value.message == ("Login as '%s' failed: POST /auth/login returned 401: invalid username or password" % USERNAME)
    assert PASSWORD not in str(info.value)
