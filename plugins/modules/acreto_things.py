#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_things
short_description: Manage many Things of an Acreto ecosystem in one task
version_added: 1.0.0
description:
  - Manages a set of Things (devices) of one ecosystem in one module run, following the resource-module
    convention of O(config) and O(state).
  - One request lists every current Thing. Only the Things that differ from O(config) get a write, so a
    second run with the same O(config) writes nothing.
  - A Thing of O(config) is found by its O(config[].uuid) when one is given, else by its O(config[].name).
  - Everything that is wrong with O(config) (bad values, a Thing listed twice by name or by uuid, names that several
    Things share, unknown profile groups, a write that would give two Things the same name) fails the task before
    the first write.
  - When some writes fail, the others are still made, and the task fails with RV(failures) listing each failed
    Thing and why.
  - Use M(acreto.platform.acreto_thing) for one Thing, and M(acreto.platform.acreto_thing_info) to read Things.
options:
  config:
    description:
      - The Things, with the options of M(acreto.platform.acreto_thing).
      - Required unless O(state=gathered). An empty list with O(state=overridden) deletes every Thing in scope.
      - The output of O(state=gathered) (RV(gathered)) can be given here as it is.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the Thing. Names are expected to be unique within the ecosystem.
          - Required to create a Thing. With O(config[].uuid), a different name renames the Thing.
        type: str
      uuid:
        description:
          - The uuid of an existing Thing. When given, the Thing is found by uuid instead of by O(config[].name).
          - With O(state=merged), O(state=replaced) and O(state=overridden), a uuid that does not exist fails the task.
        type: str
      profile_group:
        description:
          - The profile group of the Thing, by name or by uuid.
          - Required to create a Thing, and for every Thing with O(state=replaced) and O(state=overridden).
          - A name or uuid that is not a profile group of the ecosystem fails the task before the first write.
        type: str
      type:
        description:
          - The type of the Thing. A Thing created or replaced without it gets V(device).
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
          - V(absent) deletes this Thing, whatever O(state) says, as O(state=deleted) would. Only its O(config[].name)
            or O(config[].uuid) is used.
          - V(present) or no value lets O(state) decide. V(present) is an error with O(state=deleted).
          - With this, one task can create, update and delete Things, and every entry is checked before the first write.
        type: str
        choices: [present, absent]
        version_added: 1.1.0
  state:
    description:
      - V(merged) creates the listed Things that do not exist and updates the others; fields that are not
        given keep their current value.
      - V(replaced) makes each listed Thing exactly as given; fields of the options that are not given get their empty
        value. Fields that no option manages (those of a newer API) are kept and sent back as they are.
      - V(overridden) is V(replaced), and also deletes the Things that are not listed, within O(profile_group) when it is given.
      - V(deleted) deletes the listed Things; only their O(config[].name) or O(config[].uuid) is used.
        Things that do not exist are skipped and counted as RV(summary.absent). An empty O(config) deletes nothing.
      - V(gathered) writes nothing and returns the current Things in RV(gathered), in the shape of O(config).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  profile_group:
    description:
      - A profile group, by name or by uuid, that limits O(state=overridden) and O(state=gathered) to its Things.
      - Only valid with those two states.
    type: str
  parallelism:
    description:
      - How many writes to send at the same time, over one keep-alive session, from 1 to 32.
      - Across the internet each request waits for a round trip, and the writes in flight overlap those waits.
        The default comes from measurements at 0, 25 and 100 ms a request, with and without 429 answers; the
        benchmarks of the collection (C(docs/benchmarks.md)) show them and the rule that chose it. On loopback or a
        fast local network the CPU is the limit, and the parallelism changes little.
      - After the API answers 429 (too many requests), the module waits as the answer asks and halves the
        number of writes in flight, once for all the writes that were in flight together. Each run of writes without
        a 429, as many as are in flight, adds one write in flight again, up to O(parallelism).
    type: int
    default: 16
extends_documentation_fragment:
  - acreto.platform.acreto
  - acreto.platform.acreto.token
  - acreto.platform.acreto.customer
  - acreto.platform.acreto.ecosystem
  - acreto.platform.acreto.write
attributes:
  check_mode:
    details: In check mode RV(commands) lists the writes that a real run would make; Things to be created have no uuid.
  diff_mode:
    details: The diff holds the Things that change, and a summary with the counts and the changed fields of each Thing.
notes:
  - A create whose answer was lost (the connection dropped, or the API answered 5xx) is not sent again blindly;
    the Things are listed again, and the create is sent once more only when no Thing of that name exists.
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
- name: Make sure the cameras of the lab exist; other Things are left alone
  acreto.platform.acreto_things:
    ecosystem: Lab Ecosystem
    config:
      - name: cam-01
        profile_group: Cameras
        category: IoT
        asset_value: 3
      - name: cam-02
        profile_group: Cameras
        category: IoT
  register: cameras

- name: Manage every Thing of the lab, with the connection set once for the whole group
  module_defaults:
    group/acreto.platform.acreto:
      endpoint: https://api-is-rock-solid.acreto.net/v2
      username: someone@somedomain.com
      password: "{{ vault_acreto_password }}"
  block:
    - name: Read the current Things, in the shape that config takes
      acreto.platform.acreto_things:
        ecosystem: Lab Ecosystem
        state: gathered
      register: lab

    - name: Keep exactly the listed cameras in the Cameras group; delete the other cameras
      acreto.platform.acreto_things:
        ecosystem: Lab Ecosystem
        state: overridden
        profile_group: Cameras
        parallelism: 8
        config: "{{ lookup('ansible.builtin.file', 'cameras.json') | from_json }}"
      register: fleet

    - name: Remove retired printers
      acreto.platform.acreto_things:
        ecosystem: Lab Ecosystem
        state: deleted
        config:
          - name: printer-01
          - name: printer-02
      register: retired

    - name: Commit the staged changes once
      acreto.platform.acreto_commit:
        ecosystem: Lab Ecosystem
        staged_by: "{{ [fleet, retired] }}"
      when: fleet is changed or retired is changed
"""

RETURN = r"""
before:
  description:
    - The Things of the ecosystem before the task, in the shape of O(config), with their uuid.
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "cam-01", "uuid": "c86c8910-1770-818b-a0c8-cf9d91201255", "profile_group": "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64",
            "type": "device", "category": "IoT", "asset_value": 1, "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""}}]
after:
  description:
    - The Things of the ecosystem after the task, in the shape of O(config). In check mode, as they would be;
      Things to be created have no uuid. Failed writes leave their Thing as it was.
  returned: when changed
  type: list
  elements: dict
  sample: [{"name": "cam-01", "uuid": "c86c8910-1770-818b-a0c8-cf9d91201255", "profile_group": "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64",
            "type": "device", "category": "IoT", "asset_value": 3, "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""}}]
commands:
  description:
    - The writes that were made (in check mode, that would be made), one per Thing.
    - RV(commands[].changes) holds the options that the write sets; all of them for a create, none for a delete.
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{"action": "update", "name": "cam-01", "uuid": "c86c8910-1770-818b-a0c8-cf9d91201255", "changes": {"asset_value": 3}}]
  contains:
    action:
      description: V(create), V(update) or V(delete).
      type: str
      returned: always
      sample: update
    name:
      description: The name of the Thing.
      type: str
      returned: always
      sample: cam-01
    uuid:
      description: The uuid of the Thing; none for a create in check mode.
      type: str
      returned: always
      sample: c86c8910-1770-818b-a0c8-cf9d91201255
    changes:
      description: The options that the write sets, with their new values.
      type: dict
      returned: always
      sample: {"asset_value": 3}
summary:
  description:
    - How many Things were created, updated, deleted, left unchanged, listed as absent and already absent,
      and how many writes failed.
  returned: unless O(state=gathered)
  type: dict
  sample: {"created": 2, "updated": 1, "deleted": 0, "unchanged": 997, "absent": 0, "failed": 0}
  contains:
    absent:
      description: Things listed to be deleted (O(state=deleted) or O(config[].state=absent)) that did not exist.
      type: int
      returned: always
      sample: 0
      version_added: 1.1.0
failures:
  description:
    - The writes that failed, each like an item of RV(commands) with the error message C(msg), the HTTP C(status)
      and the API's parsed error C(api_error).
  returned: when some writes failed
  type: list
  elements: dict
  sample: [{"action": "create", "name": "cam-09", "uuid": null, "changes": {"name": "cam-09"},
            "msg": "Creating thing 'cam-09' failed: POST /customers/.../devices returned 400: profileGroup not found",
            "status": 400, "api_error": {"code": 400, "message": "profileGroup not found"}}]
gathered:
  description: The current Things (within O(profile_group) when it is given), in the shape of O(config), with their uuid.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{"name": "cam-01", "uuid": "c86c8910-1770-818b-a0c8-cf9d91201255", "profile_group": "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64",
            "type": "device", "category": "IoT", "asset_value": 1, "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""}}]
ecosystem_status_before:
  description:
    - The status of the ecosystem before this task wrote to it, or its current status when nothing was written.
    - Pass the registered result to the O(acreto.platform.acreto_commit#module:staged_by) option of
      M(acreto.platform.acreto_commit), which reads this.
  returned: always
  type: str
  sample: ok
"""

from ansible_collections.acreto.platform.plugins.module_utils._bulk import BULK_STATES, PARALLELISM_DEFAULT, PARALLELISM_MAX, BulkEngine
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoInputError
from ansible_collections.acreto.platform.plugins.module_utils._module import ECOSYSTEM_ARGS, WRITE_ARGS, AcretoModule
from ansible_collections.acreto.platform.plugins.module_utils._thing import THING_FIELD_ARGS, Thing


def reconcile(module):
    p = module.params
    if not 1 <= p["parallelism"] <= PARALLELISM_MAX:
        raise AcretoInputError("parallelism must be between 1 and %d, got %d." % (PARALLELISM_MAX, p["parallelism"]))
    if p["profile_group"] is not None and p["state"] not in ("overridden", "gathered"):
        raise AcretoInputError("profile_group applies to state=overridden and state=gathered only, not to state=%s." % p["state"])
    if p["config"] is not None and p["state"] == "gathered":
        raise AcretoInputError("config must not be given with state=gathered, which only reads.")
    engine = BulkEngine(module.scope, Thing, p["parallelism"], check_mode=module.check_mode, diff=module._diff,
                        limit=("profile_group", p["profile_group"]))
    return engine.run(p["state"], p["config"])


def main():
    module = AcretoModule(
        argument_spec=dict(ECOSYSTEM_ARGS, **WRITE_ARGS,
                           config=dict(type="list", elements="dict",
                                       options=dict(THING_FIELD_ARGS, state=dict(type="str", choices=["present", "absent"]))),
                           state=dict(type="str", choices=BULK_STATES, default="merged"),
                           profile_group=dict(type="str"),
                           parallelism=dict(type="int", default=PARALLELISM_DEFAULT)),
        required_if=[("state", state, ("config",)) for state in BULK_STATES if state != "gathered"],
        supports_check_mode=True,
    )
    module.run(lambda: reconcile(module))


if __name__ == "__main__":
    main()
