#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_auth
short_description: Log in to the Acreto platform and get an access token
version_added: 1.0.0
description:
  - Logs in with O(username) and O(password) and returns the access token, the customers of the user and when the token expires.
  - The other modules of this collection log in by themselves; this module is for playbooks that want one token for many tasks,
    or the customer list.
  - It logs in under C(--check) too, so that later check-mode tasks can read, and it always reports C(changed=false).
  - It takes no O(acreto.platform.acreto_thing#module:token) option, because a token cannot log in. In a block whose
    C(module_defaults) for the group set a token, run this module outside that block, before it.
extends_documentation_fragment:
  - acreto.platform.acreto
  - acreto.platform.acreto.info
notes:
  - The token lives as long as the C(expiry) field of the login response says, or 600 seconds when there is none.
  - The result holds a live token. Put C(no_log=true) on the task so that it stays out of logs and job events;
    without it, the module warns.
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
# endpoint, username and password come from ACRETO_ENDPOINT, ACRETO_USERNAME and ACRETO_PASSWORD.
- name: Log in (keep the token out of the logs)
  acreto.platform.acreto_auth:
  no_log: true
  register: acreto_login

- name: Use the token and the first customer for the next tasks, on the same endpoint
  module_defaults:
    group/acreto.platform.acreto:
      token: "{{ acreto_login.access_token }}"
  block:
    - name: List the ecosystems of the first customer
      acreto.platform.acreto_ecosystem_info:
        customer: "{{ acreto_login.customers[0].uuid }}"
      register: ecosystems
"""

RETURN = r"""
access_token:
  description: The bearer token. It is the purpose of this module, so it is not masked; set C(no_log=true) on the task.
  returned: success
  type: str
  sample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.Et9HFtf9R3GEMA0IICOfFMVXY7kkTX1wr4qCyhIf58U
customers:
  description: The customers (organizations) of the user.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The name of the customer.
      type: str
      returned: always
      sample: Documentation
    uuid:
      description: The uuid of the customer.
      type: str
      returned: always
      sample: 6741632b-b337-4cd0-3cbc-e900e2c77fa3
expires_in:
  description: Seconds the token lives from the login, from the API's C(expiry) field, or 600 when it has none.
  returned: success
  type: int
  sample: 600
expires_at:
  description: When the token expires, in ISO 8601 (UTC).
  returned: success
  type: str
  sample: "2030-01-31T12:10:00Z"
"""

from ansible_collections.acreto.platform.plugins.module_utils._api import TOKEN_LIFETIME
from ansible_collections.acreto.platform.plugins.module_utils._module import AcretoModule, utc_iso


def log_in(module):
    if not module.no_log:
        module.warn("acreto_auth returns a live access token: put no_log: true on its task, or the token shows in the "
                    "output, in registered results that are printed, and in the job events of AWX and ansible-runner.")
    client = module.client
    client.login()
    expires_in = client.expires_in or TOKEN_LIFETIME
    return dict(changed=False, access_token=client.token, customers=client.customers or [],
                expires_in=expires_in, expires_at=utc_iso(expires_in))


def main():
    module = AcretoModule(argument_spec={}, supports_check_mode=True, accepts_token=False)
    module.run(lambda: log_in(module))


if __name__ == "__main__":
    main()
