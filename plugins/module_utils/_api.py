# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the Acreto API v2 document fixes: the endpoint, the token lifetime and the ecosystem statuses; and what an
endpoint must look like.

Every other file takes these from here. Only the standard library is imported, so any plugin can import this at no cost.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import urlsplit

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

# Passwords shorter than this get a warning: Ansible masks every occurrence of a no_log value in the output.
SHORT_PASSWORD = 8

UUID_EXAMPLE = "c86c8910-1770-818b-a0c8-cf9d91201255"
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value):
    return isinstance(value, str) and bool(UUID_RE.match(value))


def shown_endpoint(endpoint):
    """The endpoint as a message may show it: a user name or password in it is replaced by ***."""
    return re.sub(r"(?<=//)[^/@]*@", "***@", " ".join(str(endpoint or "").split()))


def endpoint_problem(endpoint):
    """What is wrong with an endpoint, in one line that never repeats credentials written into it, or None."""
    text = shown_endpoint(endpoint)
    try:
        parts = urlsplit(" ".join(str(endpoint or "").split()))
        scheme, hostname, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return "endpoint '%s' is not a valid URL (its host or port cannot be read)." % text
    if scheme not in ("http", "https") or "://" not in text:
        return "endpoint must be an http:// or https:// URL such as %s, got '%s'." % (DEFAULT_ENDPOINT, text)
    if not hostname:
        return "endpoint '%s' has no host name." % text
    if parts.username is not None or parts.password is not None:
        return ("endpoint '%s' holds a user name or password; give them as username and password instead, "
                "which the modules send to the login, not to every request." % text)
    if port == 0:
        return "endpoint '%s' has port 0." % text
    return None


def credential_warnings(endpoint, password=None):
    """Warnings about a setup that works but exposes a secret."""
    found = []
    parts = urlsplit(" ".join(str(endpoint or "").split()))
    host = (parts.hostname or "").lower()
    loopback = host == "localhost" or host == "::1" or host.startswith("127.")
    if parts.scheme.lower() == "http" and not loopback:
        found.append("endpoint %s is plain http:// to a host that is not this machine: the password and the token cross "
                     "the network unencrypted." % shown_endpoint(endpoint))
    if password is not None and 0 < len(password) < SHORT_PASSWORD:
        found.append("password is shorter than %d characters: Ansible hides every occurrence of it in the output, "
                     "which also blanks out unrelated text that contains it." % SHORT_PASSWORD)
    return found


def connection_problem(options):
    """What is wrong with the connection options that every plugin takes (endpoint, username, password, token,
    timeout), in one line, or None. Without a `token` key (acreto_auth), a token is not offered."""
    problem = endpoint_problem(options.get("endpoint"))
    if problem:
        return problem
    if options.get("username") and not options.get("password"):
        return "username was given without password (set password or ACRETO_PASSWORD)."
    if not options.get("token") and not (options.get("username") and options.get("password")):
        return ("No credentials: set username and password (or ACRETO_USERNAME and ACRETO_PASSWORD)%s."
                % (", or token (ACRETO_TOKEN)" if "token" in options else ""))
    if options.get("timeout") is not None and options["timeout"] <= 0:
        return "timeout must be a number of seconds greater than 0, got %s." % options["timeout"]
    return None


def connection_warnings(options):
    """Warnings about connection options that work but weaken the connection's security."""
    found = []
    if options.get("validate_certs") is False:
        found.append("validate_certs is false: the TLS certificate of %s is not checked." % shown_endpoint(options.get("endpoint")))
    return found + credential_warnings(options.get("endpoint"), options.get("password"))
