# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ansible glue for the Acreto modules: shared options, name-or-uuid lookups, the ecosystem status guard."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

# Same value as _client.DEFAULT_ENDPOINT (a unit test keeps them equal): importing _client here would
# import requests before the options are even validated.
DEFAULT_ENDPOINT = "https://api-is-rock-solid.acreto.net/v2"

OK = "ok"
PENDING = "pending_changes"
IN_PROGRESS = "commit_in_progress"
ERROR = "ecosystem_error"
WRITABLE = (OK, PENDING)
KNOWN_STATUSES = (OK, PENDING, IN_PROGRESS, ERROR)

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
WRITE_ARGS = dict(ecosystem_wait_timeout=dict(type="int", default=900))
FILTER_ARGS = dict(name=dict(type="str"), uuid=dict(type="str"))

# Options that name something: an empty string there is always a mistake.
NAMING_OPTIONS = ("customer", "ecosystem", "name", "uuid", "profile_group")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
RFC3339_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FIRST_POLL = 0.5
DICT_PARSE_ERROR = "dictionary requested, could not parse JSON or key=value"


def is_uuid(value):
    return bool(UUID_RE.match(value or ""))


def api_time(value):
    """An RFC 3339 date-time in the API's own form (UTC, milliseconds, Z); None when it is not RFC 3339."""
    match = RFC3339_RE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    micro = int(((match.group(7) or ".")[1:] + "000000")[:6])
    zone = match.group(8).upper()
    try:
        offset = timedelta() if zone == "Z" else timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        if offset >= timedelta(hours=24):
            return None
        moment = datetime(year, month, day, hour, minute, second, micro) - offset * (-1 if zone[0] == "-" else 1)
    except (ValueError, OverflowError):
        return None
    # not strftime: it drops the zero padding of years before 1000 on glibc, and the API's "never" is year 1
    parts = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, moment.microsecond // 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % parts


def utc_iso(seconds_from_now):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)).strftime("%Y-%m-%dT%H:%M:%SZ")


def quoted(items, key="name"):
    return ", ".join("'%s'" % item.get(key) for item in items) or "none"


class AcretoModule(AnsibleModule):
    """AnsibleModule with the connection options, lookups by name or uuid and the status guard."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = dict(ACRETO_COMMON_ARGS)
        spec.update(argument_spec or {})
        super().__init__(argument_spec=spec, **kwargs)
        self._lib = None
        self._client = None
        self._customer = None
        self._ecosystems = None
        self._ecosystem = None
        self._groups = None
        self._check_connection_options()
        self._check_naming_options()

    # --- input checks: no request is made before they pass ---

    def fail_json(self, msg=None, **kwargs):
        if msg == DICT_PARSE_ERROR and not hasattr(self, "_client"):
            # For a string given where a dict with sub-options is wanted, ansible-core reports first an error
            # that names no option; one of the errors after it says the same and names the option.
            errors = getattr(getattr(self, "validation_result", None), "errors", None) or []
            msg = next((str(error) for error in errors if str(error) != msg and msg in str(error)), msg)
        super().fail_json(msg=msg, **kwargs)

    def _check_connection_options(self):
        p = self.params
        url = urlparse(p["endpoint"])
        if url.scheme not in ("http", "https") or not url.netloc:
            self.fail_json(msg="endpoint must be an http:// or https:// URL such as %s, got '%s'." % (DEFAULT_ENDPOINT, p["endpoint"]))
        if p["username"] and not p["password"]:
            self.fail_json(msg="username was given without password (set password or ACRETO_PASSWORD).")
        if not p["token"] and not (p["username"] and p["password"]):
            self.fail_json(msg="No credentials: set username and password (or ACRETO_USERNAME and ACRETO_PASSWORD), or token (ACRETO_TOKEN).")
        if p["timeout"] <= 0:
            self.fail_json(msg="timeout must be a number of seconds greater than 0, got %d." % p["timeout"])
        if not p["validate_certs"]:
            self.warn("validate_certs is false: the TLS certificate of %s is not checked." % p["endpoint"])

    def _check_naming_options(self):
        for option in NAMING_OPTIONS:
            value = self.params.get(option)
            if value is not None and not value.strip():
                self.fail_json(msg="%s must not be empty." % option)
        uuid = self.params.get("uuid")
        if uuid is not None and not is_uuid(uuid):
            self.fail_json(msg="uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got '%s'." % uuid)

    # --- the client, created on first use ---

    @property
    def lib(self):
        if self._lib is None:
            from ansible_collections.acreto.platform.plugins.module_utils import _client

            # set first: `except self.lib.AcretoError` clauses evaluate this again while fail_json exits
            self._lib = _client
            if not _client.HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib("requests"), exception=_client.REQUESTS_IMPORT_ERROR)
        return self._lib

    @property
    def client(self):
        if self._client is None:
            p = self.params
            self._client = self.lib.AcretoClient(
                p["endpoint"], username=p["username"], password=p["password"], token=p["token"],
                validate_certs=p["validate_certs"], ca_path=p["ca_path"], timeout=p["timeout"],
                pool_maxsize=max(10, p.get("parallelism") or 0))
        return self._client

    def back_off(self, attempt):
        """Pause before sending a request again that the module itself repeats (not the client)."""
        time.sleep(self.client.backoff(attempt))

    def fail_on_error(self, err, action=None, **extra):
        """The one formatter for API failures: what we tried, then the request, its status and the API's message."""
        extra.update(msg="%s failed: %s" % (action, err) if action else str(err), status=err.status, api_error=err.api_error)
        self.fail_json(**extra)

    def call(self, action, method, path, body=None, missing_ok=False):
        """One request; an API error fails the module, except a 404 when missing_ok (then None)."""
        try:
            return self.client.request(method, path, body=body)
        except self.lib.AcretoError as err:
            if not (missing_ok and err.status == 404):
                self.fail_on_error(err, action)
        return None

    def exit_matching(self, key, items, **filters):
        """Exit an info module with the items (None left out) that match the name and uuid options and the filters set."""
        filters.update(name=self.params["name"], uuid=self.params["uuid"] and self.params["uuid"].lower())
        wanted = {field: value for field, value in filters.items() if value is not None}
        self.exit_json(changed=False, **{key: [i for i in items if i is not None and all(i.get(f) == v for f, v in wanted.items())]})

    def login(self):
        if not (self.params["username"] and self.params["password"]):
            self.fail_json(msg="Logging in needs username and password (or ACRETO_USERNAME and ACRETO_PASSWORD); a token alone cannot log in.")
        try:
            return self.client.login()
        except self.lib.AcretoError as err:
            self.fail_on_error(err)

    # --- name-or-uuid lookups ---

    def pick(self, kind, wanted, items, scope):
        """The item whose uuid is `wanted`, else the one item named `wanted`; fails on none or several."""
        found = [i for i in items if i.get("uuid") == wanted.lower()] or [i for i in items if i.get("name") == wanted]
        if len(found) == 1:
            return found[0]
        if not found:
            self.fail_json(msg="%s '%s' not found %s (found: %s)." % (kind.capitalize(), wanted, scope, quoted(items)))
        self.fail_json(msg="%d %ss named '%s' %s (uuids: %s); pass the uuid to pick one."
                       % (len(found), kind, wanted, scope, ", ".join(i.get("uuid") for i in found)))

    def customer(self):
        """{'name', 'uuid'} of the customer option, or of the user's only customer when it is left out."""
        if self._customer is not None:
            return self._customer
        wanted = self.params.get("customer")
        if not self.params["username"]:
            if wanted is None or not is_uuid(wanted):
                self.fail_json(msg="With a token and no username, customer must be given as a uuid "
                                   "(customer names come from the login); got %s." % ("'%s'" % wanted if wanted else "none"))
            self._customer = {"name": wanted.lower(), "uuid": wanted.lower()}
            return self._customer
        if self.client.customers is None:
            self.login()
        customers = self.client.customers or []
        scope = "for user '%s'" % self.params["username"]
        if wanted is not None:
            self._customer = self.pick("customer", wanted, customers, scope)
        elif len(customers) == 1:
            self._customer = customers[0]
        else:
            self.fail_json(msg="customer is required: user '%s' has %d customers (%s)."
                               % (self.params["username"], len(customers), quoted(customers)))
        return self._customer

    def customer_path(self, suffix=""):
        return "customers/%s%s" % (self.customer()["uuid"], suffix and "/" + suffix)

    def ecosystems(self):
        if self._ecosystems is None:
            self._ecosystems = self.call("Listing the ecosystems of customer '%s'" % self.customer()["name"],
                                         "GET", self.customer_path("ecosystems")) or []
        return self._ecosystems

    def ecosystem(self):
        """The ecosystem named by the ecosystem option, as listed (with its status)."""
        if self._ecosystem is None:
            self._ecosystem = self.pick("ecosystem", self.params["ecosystem"], self.ecosystems(),
                                        "for customer '%s'" % self.customer()["name"])
        return self._ecosystem

    def ecosystem_path(self, suffix=""):
        return self.customer_path("ecosystems/%s%s" % (self.ecosystem()["uuid"], suffix and "/" + suffix))

    def groups(self):
        if self._groups is None:
            self._groups = self.call("Listing the profile groups of ecosystem '%s'" % self.ecosystem()["name"],
                                     "GET", self.ecosystem_path("groups")) or []
        return self._groups

    def profile_group_uuid(self, wanted):
        return self.pick("profile group", wanted, self.groups(), "in ecosystem '%s'" % self.ecosystem()["name"])["uuid"]

    # --- ecosystem status ---

    def read_ecosystem(self):
        self._ecosystem = self.call("Reading ecosystem '%s'" % self.ecosystem()["name"], "GET", self.ecosystem_path())
        return self._ecosystem

    def poll_ecosystem(self, busy, timeout, max_interval=5.0):
        """Re-read the ecosystem while its status is in `busy`, for at most `timeout` seconds.

        The first polls are short and then back off up to max_interval.
        Returns (ecosystem, polls, timed_out).
        """
        deadline = time.monotonic() + timeout
        interval = min(FIRST_POLL, max_interval)
        polls = 0
        eco = self.ecosystem()
        while eco.get("status") in busy:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return eco, polls, True
            time.sleep(min(interval, remaining))
            interval = min(interval * 2, max_interval)
            eco = self.read_ecosystem()
            polls += 1
        return eco, polls, False

    def fail_on_status(self, status, doing, **extra):
        name = self.ecosystem()["name"]
        if status == ERROR:
            self.fail_json(msg="%s: ecosystem '%s' is in status '%s'; contact Acreto support." % (doing, name, status), **extra)
        self.fail_json(msg="%s: ecosystem '%s' has status '%s', which is not one of %s."
                           % (doing, name, status, ", ".join(KNOWN_STATUSES)), **extra)

    def wait_for_writable_ecosystem(self, doing):
        """The status guard before a write; returns the status the write will start from."""
        status = self.ecosystem().get("status")
        if status == IN_PROGRESS and not self.check_mode:
            timeout = self.params["ecosystem_wait_timeout"]
            eco, dummy, timed_out = self.poll_ecosystem((IN_PROGRESS,), timeout)
            status = eco.get("status")
            if timed_out:
                self.fail_json(msg="%s: ecosystem '%s' was still '%s' after %d s (ecosystem_wait_timeout); try again later."
                                   % (doing, eco.get("name"), status, timeout))
        if status not in WRITABLE and not (status == IN_PROGRESS and self.check_mode):
            self.fail_on_status(status, doing)
        return status


class AcretoResource:
    """The present/absent engine: a subclass declares its resource, ensure() does the rest and exits."""

    collection_path = ""  # relative to the endpoint, with {customer} and {ecosystem}
    identity = "name"  # the option that finds the object when no uuid is given
    fields = {}  # option -> API field
    result_key = ""
    kind = ""  # for messages, e.g. "thing"
    zero = {}  # what the API stores for a field left out
    create_defaults = {}  # API fields a create gets when the option is not set
    required_on_create = ()

    def __init__(self, module, **declaration):
        self.module = module
        self.params = module.params
        for attr, value in declaration.items():
            setattr(self, attr, value)

    # --- hooks ---

    def validate(self):
        """Check the options before any request; fail with one line naming the option."""

    def api_value(self, option, value):
        """Turn an option's value into the API's (resolve names, normalise formats)."""
        return value

    def comparable(self, field, value):
        """The value of an API field as compared (so that equal values written differently are equal)."""
        return value

    # --- the flow ---

    @property
    def path(self):
        return self.collection_path.format(customer=self.module.customer()["uuid"], ecosystem=self.module.ecosystem()["uuid"])

    def label(self, obj=None):
        return "%s '%s'" % (self.kind, (obj or {}).get(self.fields[self.identity]) or self.params.get(self.identity) or self.params.get("uuid"))

    def find(self):
        uuid = self.params.get("uuid")
        if uuid:
            return self.get(uuid)
        return self.find_by_identity(self.params[self.identity])

    def get(self, uuid):
        return self.module.call("Reading %s with uuid '%s'" % (self.kind, uuid), "GET", "%s/%s" % (self.path, uuid.lower()), missing_ok=True)

    def list(self):
        return self.module.call("Listing the %ss of ecosystem '%s'" % (self.kind, self.module.ecosystem()["name"]), "GET", self.path) or []

    def find_by_identity(self, value):
        return self.only_one(value, self.list())

    def only_one(self, value, items):
        """The one item of `items` whose identity field is `value`, or None; fails when there are several."""
        field = self.fields[self.identity]
        found = [item for item in items if item.get(field) == value]
        if len(found) > 1:
            self.module.fail_json(msg="%d %ss named '%s' in ecosystem '%s' (uuids: %s); pass uuid to pick one."
                                      % (len(found), self.kind, value, self.module.ecosystem()["name"],
                                         ", ".join(item.get("uuid") for item in found)))
        return found[0] if found else None

    def wanted(self, current):
        """The whole object as it should be: the options that were set, merged over the current object."""
        if current is None:
            missing = [option for option in self.required_on_create if self.params.get(option) is None]
            if missing:
                self.module.fail_json(msg="%s is required to create %s, which does not exist yet."
                                          % (" and ".join(missing), self.label()))
            obj = dict(self.zero, **self.create_defaults)
        else:
            obj = dict(current)
        for option, field in self.fields.items():
            value = self.params.get(option)
            if value is None:
                continue
            value = self.api_value(option, value)
            if isinstance(value, dict):
                value = dict(obj.get(field) or {}, **{k: v for k, v in value.items() if v is not None})
            obj[field] = value
        return obj

    def managed(self, obj):
        return {field: obj.get(field) for field in self.fields.values()} if obj else {}

    def changed_fields(self, current, wanted):
        return [f for f in self.fields.values() if self.comparable(f, current.get(f)) != self.comparable(f, wanted.get(f))]

    def same(self, current, wanted):
        return not self.changed_fields(current, wanted)

    def ensure(self, state):
        self.validate()
        m = self.module
        current = self.find()
        if state == "present" and current is None and self.params.get("uuid"):
            m.fail_json(msg="No %s with uuid '%s' in ecosystem '%s'; leave uuid out to create one by %s."
                            % (self.kind, self.params["uuid"], m.ecosystem()["name"], self.identity))
        wanted = self.wanted(current) if state == "present" else None
        changed = (current is None) != (wanted is None) or (wanted is not None and not self.same(current, wanted))
        result_obj = (current if not changed else wanted) or {}
        status = m.ecosystem().get("status")
        if changed:
            action = ("Creating %s" if current is None else "Deleting %s" if wanted is None else "Updating %s") % self.label(current or wanted)
            status = m.wait_for_writable_ecosystem(action)
            if not m.check_mode:
                result_obj = self.write(action, current, wanted)
        m.exit_json(changed=changed, ecosystem_status_before=status,
                    diff=dict(before=self.managed(current), after=self.managed(wanted if changed else current)),
                    **{self.result_key: result_obj})

    # --- the one write ---

    def body(self, obj):
        return {k: v for k, v in obj.items() if k != "uuid"}

    def send(self, current, wanted):
        client = self.module.client
        if current is None:
            created = client.request("POST", self.path, body=self.body(wanted))
            return created or self.lookup(wanted[self.fields[self.identity]]) or wanted
        if wanted is None:
            client.request("DELETE", "%s/%s" % (self.path, current["uuid"]))
            return {}
        return client.request("PUT", "%s/%s" % (self.path, current["uuid"]), body=self.body(wanted)) or wanted

    # --- hooks of the write: these may fail the module; a bulk run overrides them to raise instead ---

    def lookup(self, value):
        """The object whose identity field is `value`, or None."""
        return self.find_by_identity(value)

    def commit_running(self):
        return self.module.read_ecosystem().get("status") == IN_PROGRESS

    def wait_until_writable(self, action):
        self.module.wait_for_writable_ecosystem(action)

    def write(self, action, current, wanted):
        try:
            return self.try_write(action, current, wanted)
        except self.module.lib.AcretoError as err:
            self.module.fail_on_error(err, action)

    def try_write(self, action, current, wanted):
        """Send the one write; raises AcretoError. Another try only where the earlier ones cannot have been applied:

        - 409 because a commit started since the status guard: wait for it like the guard does (once);
        - a create whose answer was lost (uncertain): look for the object first, so none is created twice,
          and send it again only when it is not there, at most as often as the client retries a request.
        A DELETE answered 404 was a retry whose first try went through.
        """
        client = self.module.client
        waited = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.send(current, wanted)
            except self.module.lib.AcretoError as err:
                if wanted is None and err.status == 404:
                    return {}
                if err.status == 409 and not waited and self.commit_running():
                    waited = True
                    self.wait_until_writable(action)
                elif err.uncertain and current is None and attempt <= client.retries:
                    found = self.lookup(wanted[self.fields[self.identity]])
                    if found:
                        return found
                    self.module.back_off(attempt)
                else:
                    raise
