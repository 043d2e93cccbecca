# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses


@pytest.fixture(name="api")
def fixture_api():
    """The HTTP API as responses fakes it: what a test registers is answered, every request is recorded."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
