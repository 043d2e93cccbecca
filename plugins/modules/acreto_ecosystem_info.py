#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_ecosystem_info
short_description: List the ecosystems of an Acreto customer, with their status
version_added: 1.0.0
description:
  - Lists the ecosystems of a customer, optionally only the one with a given O(name) or O(uuid).
  - Each ecosystem comes with its V(status), for example V(ok), V(pending_changes) or V(commit_in_progress).
options:
  name:
    description:
      - Only the ecosystems with this exact name.
    type: str
  uuid:
    description:
      - Only the ecosystem with this uuid.
    type: str
extends_documentation_fragment:
  - acreto.platform.acreto
  - acreto.platform.acreto.token
  - acreto.platform.acreto.customer
  - acreto.platform.acreto.info
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
# The connection comes from the ACRETO_* environment variables.
- name: List the ecosystems of the user's only customer
  acreto.platform.acreto_ecosystem_info:
  register: all_ecosystems

- name: Wait until nobody's commit runs in the lab
  acreto.platform.acreto_ecosystem_info:
    customer: Documentation
    name: Lab Ecosystem
  module_defaults:
    group/acreto.platform.acreto:
      endpoint: https://acreto.example.internal/v2
      ca_path: /etc/pki/tls/certs/internal-ca.pem
  register: lab
  until: lab.ecosystems[0].status != 'commit_in_progress'
  retries: 30
  delay: 10
"""

RETURN = r"""
ecosystems:
  description: The ecosystems that match, as the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: The uuid of the ecosystem.
      type: str
      returned: always
      sample: 049d6701-a8d3-ca61-662e-3f6adbbd4156
    name:
      description: The name of the ecosystem.
      type: str
      returned: always
      sample: Documentation Ecosystem
    status:
      description: The status of the ecosystem.
      type: str
      returned: always
      sample: pending_changes
    created:
      description: When the ecosystem was created.
      type: str
      returned: always
      sample: "2020-09-30T10:24:00.000Z"
    nsps:
      description: The network service points of the ecosystem, with their status.
      type: list
      elements: dict
      returned: always
      sample: [{"name": "EWR1", "status": "green"}]
    owner:
      description: The user who owns the ecosystem.
      type: dict
      returned: always
      sample: {"fullName": "John Doe", "username": "someone@somedomain.com", "uuid": "5fdb6311-d058-0c36-de65-eff41e0ca063"}
"""

from ansible_collections.acreto.platform.plugins.module_utils._module import CUSTOMER_ARGS, FILTER_ARGS, AcretoModule


def main():
    module = AcretoModule(argument_spec=dict(CUSTOMER_ARGS, **FILTER_ARGS), supports_check_mode=True)
    module.run(lambda: module.matching("ecosystems", module.scope.ecosystems()))


if __name__ == "__main__":
    main()
