#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_group_info
short_description: List the profile groups of an Acreto ecosystem
version_added: 1.0.0
description:
  - Lists the profile groups of an ecosystem, optionally only the one with a given O(name) or O(uuid).
  - A Thing belongs to a profile group; M(acreto.platform.acreto_thing) also accepts the group by name.
options:
  name:
    description:
      - Only the profile groups with this exact name.
    type: str
  uuid:
    description:
      - Only the profile group with this uuid.
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
- name: List the profile groups of the quick start's ecosystem
  acreto.platform.acreto_group_info:
    ecosystem: Documentation Ecosystem
  register: profile_groups

- name: Find the camera group of the lab on a test system
  acreto.platform.acreto_group_info:
    ecosystem: Lab Ecosystem
    name: Cameras
  module_defaults:
    group/acreto.platform.acreto:
      endpoint: http://127.0.0.1:8080/v2
      validate_certs: false
  register: camera_group
"""

RETURN = r"""
groups:
  description: The profile groups that match, as the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: The uuid of the profile group.
      type: str
      returned: always
      sample: 06f93ee9-3153-3111-8150-01b3d5389106
    name:
      description: The name of the profile group.
      type: str
      returned: always
      sample: Profile Group 1
"""

from ansible_collections.acreto.platform.plugins.module_utils._module import ECOSYSTEM_ARGS, FILTER_ARGS, AcretoModule


def main():
    module = AcretoModule(argument_spec=dict(ECOSYSTEM_ARGS, **FILTER_ARGS), supports_check_mode=True)
    module.run(lambda: module.matching("groups", module.scope.groups()))


if __name__ == "__main__":
    main()
