# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the Acreto API v2 document fixes: the endpoint, the token lifetime and the ecosystem statuses.

Every other file takes these from here. Nothing is imported, so any plugin can import this at no cost.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

DEFAULT_ENDPOINT = "https://api-is-rock-solid.acreto.net/v2"
# Seconds a token lives when the login answer has no `expiry` field.
TOKEN_LIFETIME = 600

OK = "ok"
PENDING = "pending_changes"
IN_PROGRESS = "commit_in_progress"
ERROR = "ecosystem_error"
# Only these allow a write; commit_in_progress is waited for.
WRITABLE = (OK, PENDING)
KNOWN_STATUSES = (OK, PENDING, IN_PROGRESS, ERROR)

UUID_EXAMPLE = "c86c8910-1770-818b-a0c8-cf9d91201255"
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value):
    return isinstance(value, str) and bool(UUID_RE.match(value))
