#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_thing
short_description: Create, update and delete Things in an Acreto ecosystem
version_added: 1.0.0
description:
  - Makes sure a Thing (a device) exists in an ecosystem with the given fields, or does not exist.
  - A Thing is found by O(name) within the ecosystem, or by O(uuid) when one is given, which allows renaming it.
  - An update merges the options that were set over the current Thing and sends the whole Thing,
    because the API replaces a Thing in its entirety. Fields that are not mentioned are kept, those that no option
    manages (fields of a newer API) included.
  - A Thing that is already as wanted gets no write request.
options:
  name:
    description:
      - Name of the Thing. Names are expected to be unique within the ecosystem.
      - Required to create a Thing. With O(uuid), a different name renames the Thing.
    type: str
  uuid:
    description:
      - The uuid of an existing Thing. When given, the Thing is found by uuid instead of by O(name).
    type: str
  profile_group:
    description:
      - The profile group of the Thing, by name or by uuid.
      - Required to create a Thing.
      - A name is looked up in the profile groups of the ecosystem. A uuid is not, so that a task costs one request
        less; the API refuses a write whose profile group is not one of the ecosystem, nothing is written, and the task
        fails with the same message as for an unknown name. In check mode, where nothing is written, a uuid is looked
        up too.
    type: str
  type:
    description:
      - The type of the Thing.
      - A Thing created without it gets V(device). An update without it keeps the current type.
    type: str
  category:
    description:
      - The category of the Thing, for example V(IoT).
    type: str
  asset_value:
    description:
      - The asset value of the Thing, 0 or greater.
    type: int
  expiry:
    description:
      - When the Thing expires.
      - Sub-options left out keep their current value.
    type: dict
    suboptions:
      time:
        description:
          - An RFC 3339 date-time, for example V(2030-01-31T12:00:00Z).
        type: str
      type:
        description:
          - The kind of expiry, as the platform defines it.
        type: str
  state:
    description:
      - Whether the Thing should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - acreto.platform.acreto
  - acreto.platform.acreto.token
  - acreto.platform.acreto.customer
  - acreto.platform.acreto.ecosystem
  - acreto.platform.acreto.write
attributes:
  check_mode:
    details: In check mode a Thing to be created is returned without a uuid.
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
# The connection comes from ACRETO_ENDPOINT, ACRETO_USERNAME and ACRETO_PASSWORD,
# as an AWX credential of the collection's credential type injects them.
- name: Create the Thing of the API quick start
  acreto.platform.acreto_thing:
    ecosystem: Documentation Ecosystem
    name: My first Thing
    type: device
    category: IoT
    asset_value: 1
    profile_group: Profile Group 1
  register: created

- name: Manage the lab's Things, with the connection set once for the whole group
  module_defaults:
    group/acreto.platform.acreto:
      endpoint: https://api-is-rock-solid.acreto.net/v2
      username: someone@somedomain.com
      password: "{{ vault_acreto_password }}"
  block:
    - name: Raise the asset value of a camera; its other fields are kept
      acreto.platform.acreto_thing:
        customer: Documentation
        ecosystem: Lab Ecosystem
        name: cam-01
        asset_value: 3
      register: raised

    - name: Rename a Thing found by uuid
      acreto.platform.acreto_thing:
        ecosystem: Lab Ecosystem
        uuid: c86c8910-1770-818b-a0c8-cf9d91201255
        name: lobby-camera
      register: renamed

    - name: Let a contractor laptop expire at the end of the year
      acreto.platform.acreto_thing:
        ecosystem: Lab Ecosystem
        name: contractor-laptop
        profile_group: Profile Group 1
        expiry:
          time: "2030-12-31T23:59:59Z"
          type: date
      register: expiring

    - name: Remove a Thing
      acreto.platform.acreto_thing:
        ecosystem: Lab Ecosystem
        name: old-printer
        state: absent
      register: removed

    - name: Commit the staged changes, handing over the tasks that wrote, in the order they ran
      acreto.platform.acreto_commit:
        ecosystem: Lab Ecosystem
        staged_by: "{{ [raised, renamed, expiring, removed] }}"
"""

RETURN = r"""
thing:
  description:
    - The Thing as the API returns it. In check mode, the Thing as it would be; a Thing to be created has no uuid.
    - Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    uuid:
      description: The uuid of the Thing.
      type: str
      returned: when the Thing exists
      sample: c86c8910-1770-818b-a0c8-cf9d91201255
    name:
      description: The name of the Thing.
      type: str
      returned: success
      sample: My first Thing
    type:
      description: The type of the Thing.
      type: str
      returned: success
      sample: device
    category:
      description: The category of the Thing.
      type: str
      returned: success
      sample: IoT
    assetValue:
      description: The asset value of the Thing.
      type: int
      returned: success
      sample: 1
    profileGroup:
      description: The uuid of the profile group of the Thing.
      type: str
      returned: success
      sample: 06f93ee9-3153-3111-8150-01b3d5389106
    expiry:
      description: When the Thing expires; a time of V(0001-01-01T00:00:00.000Z) means never.
      type: dict
      returned: success
      sample: {"time": "0001-01-01T00:00:00.000Z", "type": ""}
ecosystem_status_before:
  description:
    - The status of the ecosystem before this task wrote to it, or its current status when nothing was written.
    - V(pending_changes) on the first write of a play means that someone else has staged changes.
      Pass the registered result to the O(acreto.platform.acreto_commit#module:staged_by) option of
      M(acreto.platform.acreto_commit), which reads this.
  returned: always
  type: str
  sample: ok
"""

from ansible_collections.acreto.platform.plugins.module_utils._module import ECOSYSTEM_ARGS, WRITE_ARGS, AcretoModule
from ansible_collections.acreto.platform.plugins.module_utils._thing import THING_FIELD_ARGS, Thing

THING_ARGS = dict(THING_FIELD_ARGS, state=dict(type="str", choices=["present", "absent"], default="present"))


def main():
    module = AcretoModule(
        argument_spec=dict(ECOSYSTEM_ARGS, **WRITE_ARGS, **THING_ARGS),
        required_one_of=[("name", "uuid")],
        supports_check_mode=True,
    )
    module.run(lambda: Thing(module.scope, module.params).ensure(module.params["state"], module.check_mode))


if __name__ == "__main__":
    main()
