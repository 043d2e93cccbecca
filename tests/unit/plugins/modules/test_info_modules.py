# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.acreto.platform.plugins.modules import acreto_ecosystem_info, acreto_group_info, acreto_thing_info
from ansible_collections.acreto.platform.tests.unit.plugins.modules.fake_acreto import (
    CAMERAS, DEVICES, GROUP, LAB_ECO, ecosystem, thing,
)

ECO = "Documentation Ecosystem"
CAM = thing()
PRINTER = thing(name="printer", uuid="0d8f3a2e-5b1c-4e7a-9f6d-2c4b8a1e3f50", profileGroup=CAMERAS["uuid"])


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("filters, names", [
    ({}, ["Documentation Ecosystem", "Lab Ecosystem"]),
    ({"name": "Lab Ecosystem"}, ["Lab Ecosystem"]),
    ({"uuid": LAB_ECO.upper()}, ["Lab Ecosystem"]),
    ({"name": "Nope"}, []),
])
def test_ecosystem_info(api, run, check_mode, filters, names):
    api.login()
    api.ecosystems()

    result = run(acreto_ecosystem_info.main, _ansible_check_mode=check_mode, **filters)

    assert result["changed"] is False
    assert [e["name"] for e in result["ecosystems"]] == names
    assert all(e["status"] == "ok" for e in result["ecosystems"])
    assert api.writes() == []


@pytest.mark.parametrize("filters, groups", [
    ({}, [GROUP, CAMERAS]),
    ({"name": "Cameras"}, [CAMERAS]),
    ({"uuid": GROUP["uuid"]}, [GROUP]),
])
def test_group_info(api, run, filters, groups):
    api.standard()

    result = run(acreto_group_info.main, _ansible_check_mode=True, ecosystem=ECO, **filters)

    assert result["groups"] == groups


@pytest.mark.parametrize("filters, things", [
    ({}, [CAM, PRINTER]),
    ({"name": "printer"}, [PRINTER]),
    ({"profile_group": "Profile Group 1"}, [CAM]),
    ({"profile_group": CAMERAS["uuid"], "name": "cam-01"}, []),
])
def test_thing_info_lists_and_filters(api, run, filters, things):
    api.standard(CAM, PRINTER)

    result = run(acreto_thing_info.main, ecosystem=ECO, **filters)

    assert result["changed"] is False
    assert result["things"] == things


def test_thing_info_by_uuid_reads_one_thing(api, run):
    api.login()
    api.ecosystems(ecosystem())
    api.add("GET", DEVICES + "/" + CAM["uuid"], CAM)

    result = run(acreto_thing_info.main, _ansible_check_mode=True, ecosystem=ECO, uuid=CAM["uuid"])

    assert result["things"] == [CAM]
    assert ("GET", DEVICES, None) not in api.sent()


def test_thing_info_by_unknown_uuid_finds_nothing(api, run):
    api.login()
    api.ecosystems(ecosystem())
    api.add("GET", DEVICES + "/" + CAM["uuid"], {"code": 404, "message": "device not found"}, status=404)

    result = run(acreto_thing_info.main, ecosystem=ECO, uuid=CAM["uuid"])

    assert result["things"] == []


def test_an_unknown_ecosystem_is_an_error_not_an_empty_list(api, run):
    api.login()
    api.ecosystems(ecosystem())

    result = run(acreto_thing_info.main, ecosystem="Lab")

    assert result["msg"] == "Ecosystem 'Lab' not found for customer 'Documentation' (found: 'Documentation Ecosystem')."
