#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_thing_info
short_description: Read Things of an Acreto ecosystem
version_added: 1.0.0
description:
  - Lists the Things (devices) of an ecosystem, or reads one by uuid.
  - The filters O(name), O(uuid) and O(profile_group) combine; without any, all Things of the ecosystem are returned.
options:
  name:
    description:
      - Only the Things with this exact name.
    type: str
  uuid:
    description:
      - Only the Thing with this uuid. It is read directly, without listing the ecosystem.
    type: str
  profile_group:
    description:
      - Only the Things of this profile group, given by name or by uuid.
    type: str
extends_documentation_fragment:
  - acreto.platform.acreto
  - acreto.platform.acreto.token
  - acreto.platform.acreto.customer
  - acreto.platform.acreto.ecosystem
  - acreto.platform.acreto.info
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
# The connection comes from the ACRETO_* environment variables.
- name: Read the Thing of the API quick start
  acreto.platform.acreto_thing_info:
    ecosystem: Documentation Ecosystem
    name: My first Thing
  register: found

- name: List the cameras of the lab, connecting with a token
  acreto.platform.acreto_thing_info:
    customer: 6741632b-b337-4cd0-3cbc-e900e2c77fa3
    ecosystem: Lab Ecosystem
    profile_group: Cameras
  module_defaults:
    group/acreto.platform.acreto:
      token: "{{ acreto_login.access_token }}"
  register: cameras
"""

RETURN = r"""
things:
  description:
    - The Things that match, as the API returns them.
    - Each has the fields of RV(acreto.platform.acreto_thing#module:thing).
  returned: always
  type: list
  elements: dict
  sample:
    - uuid: c86c8910-1770-818b-a0c8-cf9d91201255
      name: My first Thing
      type: device
      category: IoT
      assetValue: 1
      profileGroup: 06f93ee9-3153-3111-8150-01b3d5389106
      expiry: {"time": "0001-01-01T00:00:00.000Z", "type": ""}
"""

from ansible_collections.acreto.platform.plugins.module_utils._module import ECOSYSTEM_ARGS, FILTER_ARGS, AcretoModule
from ansible_collections.acreto.platform.plugins.module_utils._thing import Thing


def read_things(module):
    p = module.params
    things = Thing(module.scope, p)
    group = module.scope.profile_group_uuid(p["profile_group"]) if p["profile_group"] else None
    found = [things.get(p["uuid"])] if p["uuid"] else things.list()
    return module.matching("things", found, profileGroup=group)


def main():
    module = AcretoModule(
        argument_spec=dict(ECOSYSTEM_ARGS, **FILTER_ARGS, profile_group=dict(type="str")),
        supports_check_mode=True,
    )
    module.run(lambda: read_things(module))


if __name__ == "__main__":
    main()
