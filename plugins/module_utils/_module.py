# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ansible glue for the Acreto modules: the shared options, their checks, and the front door.

The front door (run) is the one place where an AcretoError becomes a failed result; everything below it raises.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

# Not _client: it imports requests, which costs time before the options are even checked.
from ansible_collections.acreto.platform.plugins.module_utils._api import (
    DEFAULT_ENDPOINT, UUID_EXAMPLE, connection_problem, connection_warnings, is_uuid,
)
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoError, AcretoInputError
from ansible_collections.acreto.platform.plugins.module_utils._scope import AcretoScope

ACRETO_COMMON_ARGS = dict(
    endpoint=dict(type="str", default=DEFAULT_ENDPOINT, fallback=(env_fallback, ["ACRETO_ENDPOINT"])),
    username=dict(type="str", fallback=(env_fallback, ["ACRETO_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["ACRETO_PASSWORD"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["ACRETO_TOKEN"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["ACRETO_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["ACRETO_CA_PATH"])),
    timeout=dict(type="int", default=30, fallback=(env_fallback, ["ACRETO_TIMEOUT"])),
)
CUSTOMER_ARGS = dict(customer=dict(type="str"))
ECOSYSTEM_ARGS = dict(CUSTOMER_ARGS, ecosystem=dict(type="str", required=True))
WRITE_ARGS = dict(ecosystem_wait_timeout=dict(type="int", default=900),
                  foreign_pending=dict(type="str", choices=["ignore", "warn", "fail"], default="ignore"))
FILTER_ARGS = dict(name=dict(type="str"), uuid=dict(type="str"))

# Options that name something: an empty string there is always a mistake.
NAMING_OPTIONS = ("customer", "ecosystem", "name", "uuid", "profile_group")
DICT_PARSE_ERROR = "dictionary requested, could not parse JSON or key=value"


def utc_iso(seconds_from_now):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)).strftime("%Y-%m-%dT%H:%M:%SZ")


class AcretoModule(AnsibleModule):
    """AnsibleModule with the connection options, their checks, the client, the scope and the front door."""

    def __init__(self, argument_spec=None, accepts_token=True, **kwargs):
        """accepts_token=False leaves the token option out: for the login module, which a token cannot log in."""
        spec = dict(ACRETO_COMMON_ARGS)
        if not accepts_token:
            del spec["token"]
        spec.update(argument_spec or {})
        super().__init__(argument_spec=spec, **kwargs)
        self._lib = None
        self._client = None
        self._scope = None
        with self.failing_on_errors():
            self._check_connection_options()
            self._check_naming_options()

    # --- the front door ---

    @contextmanager
    def failing_on_errors(self):
        """Turn an AcretoError raised inside into the module's failed result."""
        try:
            yield
        except AcretoError as err:
            self._warn_from_scope()
            self.fail_json(**err.result())
        self._warn_from_scope()

    def run(self, work):
        """Exit with the result that work() returns; an AcretoError it raises fails the module."""
        with self.failing_on_errors():
            result = work()
        self.exit_json(**result)

    def _warn_from_scope(self):
        for message in self._scope.warnings if self._scope is not None else ():
            self.warn(message)
        if self._scope is not None:
            self._scope.warnings = []

    def fail_json(self, msg=None, **kwargs):
        if msg == DICT_PARSE_ERROR and not hasattr(self, "_client"):
            # For a string given where a dict with sub-options is wanted, ansible-core reports first an error
            # that names no option; one of the errors after it says the same and names the option.
            errors = getattr(getattr(self, "validation_result", None), "errors", None) or []
            msg = next((str(error) for error in errors if str(error) != msg and msg in str(error)), msg)
        super().fail_json(msg=msg, **kwargs)

    # --- input checks: no request is made before they pass ---

    def _check_connection_options(self):
        problem = connection_problem(self.params)
        if problem:
            raise AcretoInputError(problem)
        for warning in connection_warnings(self.params):
            self.warn(warning)

    def _check_naming_options(self):
        for option in NAMING_OPTIONS:
            value = self.params.get(option)
            if value is not None and not value.strip():
                raise AcretoInputError("%s must not be empty." % option)
        uuid = self.params.get("uuid")
        if uuid is not None and not is_uuid(uuid):
            raise AcretoInputError("uuid must look like '%s', got '%s'." % (UUID_EXAMPLE, uuid))

    # --- the client and the scope, created on first use ---

    @property
    def client(self):
        if self._client is None:
            from ansible_collections.acreto.platform.plugins.module_utils import _client

            if not _client.HAS_REQUESTS:
                raise AcretoError(missing_required_lib("requests"), details=dict(exception=_client.REQUESTS_IMPORT_ERROR))
            p = self.params
            self._client = _client.AcretoClient(
                p["endpoint"], username=p["username"], password=p["password"], token=p.get("token"),
                validate_certs=p["validate_certs"], ca_path=p["ca_path"], timeout=p["timeout"],
                pool_maxsize=max(10, p.get("parallelism") or 0))
        return self._client

    @property
    def scope(self):
        """The customer and ecosystem of the options (the ecosystem is None for modules without one)."""
        if self._scope is None:
            p = self.params
            self._scope = AcretoScope(self.client, username=p["username"], customer=p.get("customer"),
                                      ecosystem=p.get("ecosystem"), wait_timeout=p.get("ecosystem_wait_timeout"),
                                      foreign_pending=p.get("foreign_pending"))
        return self._scope

    def matching(self, key, items, **filters):
        """The info result: the items (None left out) that match the name and uuid options and the filters set."""
        filters.update(name=self.params["name"], uuid=self.params["uuid"] and self.params["uuid"].lower())
        wanted = {field: value for field, value in filters.items() if value is not None}
        return {"changed": False, key: [i for i in items if i is not None and all(i.get(f) == v for f, v in wanted.items())]}
