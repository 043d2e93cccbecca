# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # The connection options every module accepts, and the attributes they share.
    DOCUMENTATION = r"""
requirements:
  - Python 3.10 or newer, on the host that runs the module (normally the controller).
  - The Python library C(requests) 2.25.0 or newer, with C(urllib3) 1.26.5 or newer.
options:
  endpoint:
    description:
      - Base URL of the Acreto API, including the version path.
      - If not set, the value of the E(ACRETO_ENDPOINT) environment variable is used.
    type: str
    default: https://api-is-rock-solid.acreto.net/v2
  username:
    description:
      - The user to log in as.
      - If not set, the value of the E(ACRETO_USERNAME) environment variable is used.
      - With O(username) and O(password), the collection logs in again when the token expires during a long run.
    type: str
  password:
    description:
      - The password of O(username).
      - If not set, the value of the E(ACRETO_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to check the TLS certificate of O(endpoint).
      - Set to V(false) only for test systems; the module then warns.
      - If not set, the value of the E(ACRETO_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A file with the CA certificates to trust for O(endpoint), in PEM format.
      - If not set, the value of the E(ACRETO_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
      - If not set, the value of the E(ACRETO_TIMEOUT) environment variable is used.
    type: int
    default: 30
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  action_group:
    description: Use C(group/acreto.platform.acreto) in C(module_defaults) to set the connection options of all modules of this collection.
    support: full
    membership:
      - acreto.platform.acreto
notes:
  - The platform stages changes. A write puts the ecosystem in V(pending_changes); the change takes effect
    when the ecosystem is committed with M(acreto.platform.acreto_commit). Reads show staged objects too.
  - Access tokens live 600 seconds. With O(username) and O(password) the modules log in again when a token
    expires during a long run.
  - Errors name what was tried, the request, the HTTP status and the API's own message.
    They never contain the password or the token.
  - Answers are checked before they are used. A list must be a list (one answered page by page through an RFC 8288
    C(Link) header with C(rel="next") is read to its end, up to 1000 pages, on the same endpoint), each customer,
    profile group and Thing must have C(uuid) and C(name), and each ecosystem C(status) as well. An answer of
    another shape (C(null), an object, an HTML page) fails the task with one line that names the request, before
    any write.
"""

    # Every module but acreto_auth, which a token cannot log in.
    TOKEN = r"""
options:
  token:
    description:
      - An access token, for example RV(acreto.platform.acreto_auth#module:access_token).
      - If not set, the value of the E(ACRETO_TOKEN) environment variable is used.
      - Give O(username) and O(password), or O(token).
      - Tokens live 600 seconds. With a token and no O(username), an expired token fails the task.
    type: str
notes:
  - With O(token) alone, nothing can renew the token, and an expired token fails the task.
"""

    # The customer a module works for.
    CUSTOMER = r"""
options:
  customer:
    description:
      - The customer (organization) that owns the ecosystem, by name or by uuid.
      - May be left out when the user has exactly one customer.
      - With O(token) and no O(username), give the customer's uuid.
    type: str
"""

    # The ecosystem a module works in.
    ECOSYSTEM = r"""
options:
  ecosystem:
    description:
      - The ecosystem, by name or by uuid.
    type: str
    required: true
"""

    # Read-only modules.
    INFO = r"""
attributes:
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module only reads.
"""

    # Modules that stage changes in an ecosystem.
    WRITE = r"""
options:
  ecosystem_wait_timeout:
    description:
      - When the ecosystem is in status V(commit_in_progress), how many seconds to wait for the commit to end before writing.
      - The task fails when the ecosystem is still busy after that time.
    type: int
    default: 900
  foreign_pending:
    description:
      - What to do, before the first write, when the ecosystem already has staged changes (V(pending_changes))
        that a commit would apply too.
      - V(fail) fails the task before anything is written, V(warn) warns and writes, V(ignore) writes.
      - Meant for the first write of a play; after it, the play's own changes are pending too. Nothing is checked
        when the task writes nothing.
      - M(acreto.platform.acreto_commit) has an option of the same name that decides the same question at commit time.
    type: str
    choices: [ignore, warn, fail]
    default: ignore
    version_added: 1.1.0
attributes:
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Before a write the module checks the ecosystem status. It goes ahead on V(ok) and V(pending_changes),
    waits up to O(ecosystem_wait_timeout) while V(commit_in_progress), and fails on V(ecosystem_error) or any other status.
"""

    # The connection options of the plugins that are not modules, the inventory plugin and the event source of
    # extensions/eda: each reads its ACRETO_* environment variable through `env`, which module options cannot have.
    PLUGIN_CONNECTION = r"""
options:
  endpoint:
    description: Base URL of the Acreto API, including the version path.
    type: str
    default: https://api-is-rock-solid.acreto.net/v2
    env:
      - name: ACRETO_ENDPOINT
  username:
    description:
      - The user to log in as. Give O(username) and O(password), or O(token).
    type: str
    env:
      - name: ACRETO_USERNAME
  password:
    description: The password of O(username).
    type: str
    env:
      - name: ACRETO_PASSWORD
  token:
    description:
      - An access token, for example from M(acreto.platform.acreto_auth). Tokens live 600 seconds and, without
        O(username) and O(password), cannot be renewed. With a token alone, give O(customer) as a uuid.
    type: str
    env:
      - name: ACRETO_TOKEN
  validate_certs:
    description: Whether to check the TLS certificate of O(endpoint).
    type: bool
    default: true
    env:
      - name: ACRETO_VALIDATE_CERTS
  ca_path:
    description: A file with the CA certificates to trust for O(endpoint), in PEM format.
    type: path
    env:
      - name: ACRETO_CA_PATH
  timeout:
    description: Seconds to wait for each HTTP response.
    type: int
    default: 30
    env:
      - name: ACRETO_TIMEOUT
"""
