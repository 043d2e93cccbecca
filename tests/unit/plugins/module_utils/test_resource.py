# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.acreto.platform.plugins.module_utils._resource import Listing

A = {"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "twin"}
B = {"uuid": "aaaaaaaa-0000-4000-8000-000000000002", "name": "twin"}
C = {"uuid": "aaaaaaaa-0000-4000-8000-000000000003", "name": "cam-01"}


def test_a_listing_finds_by_uuid_whatever_its_case_and_keeps_the_list():
    listing = Listing([A, B, C], "name")

    assert listing.with_uuid(C["uuid"].upper()) is C
    assert listing.with_uuid("aaaaaaaa-0000-4000-8000-000000000009") is None
    assert listing.objects == [A, B, C]


def test_a_listing_gives_every_object_of_a_name_in_the_order_listed():
    listing = Listing([A, B, C], "name")

    assert listing.with_identity("twin") == [A, B]
    assert listing.with_identity("cam-01") == [C]
    assert listing.with_identity("printer") == []
