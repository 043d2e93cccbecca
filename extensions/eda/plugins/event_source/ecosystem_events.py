# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event source acreto.platform.ecosystem_events: ecosystem status changes and drift of Things, as events.

ansible-rulebook loads this file by its path and awaits main(queue, args). The HTTP client, the customer and
ecosystem lookups and the errors are the collection's own (plugins/module_utils); each poll runs in a thread, so
that the event loop never waits on the network.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import copy
import logging
import os
import sys
import time
from datetime import datetime, timezone

import yaml

try:
    from ansible_collections.acreto.platform.plugins.module_utils._api import PENDING, connection_problem, connection_warnings
except ImportError:
    # ansible-rulebook runs this file by its path, outside Ansible's collection loader: put the folder that holds
    # ansible_collections (seven folders up from here) on sys.path, so that the collection's module_utils import.
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *[os.pardir] * 7)))
    from ansible_collections.acreto.platform.plugins.module_utils._api import PENDING, connection_problem, connection_warnings
from ansible_collections.acreto.platform.plugins.doc_fragments.acreto import ModuleDocFragment
from ansible_collections.acreto.platform.plugins.module_utils._client import AcretoClient
from ansible_collections.acreto.platform.plugins.module_utils._errors import (
    AcretoAmbiguousError, AcretoAuthError, AcretoError, AcretoInputError, AcretoNotFoundError,
)
from ansible_collections.acreto.platform.plugins.module_utils._scope import AcretoScope, pick
from ansible_collections.acreto.platform.plugins.module_utils._thing import Thing

DOCUMENTATION = r"""
short_description: Ecosystem status changes and drift of Things on the Acreto platform, as events
version_added: 1.1.0
description:
  - An event source for ansible-rulebook and the Event-Driven Ansible controller. It polls the ecosystems of one
    customer every O(interval) seconds and puts an event on the queue for what changed since the poll before.
  - Every event is a dictionary C(acreto) with C(type), C(customer) (its C(name) and C(uuid); V(null) until a poll
    has worked) and C(ecosystem) (the ecosystem as the API returns it, with its C(status); V(null) for
    C(api_unreachable) and C(api_recovered)).
  - C(type=status_changed), with C(previous_status) and C(status), on every change of status, for example
    V(ok) to V(pending_changes) (someone staged a change), V(commit_in_progress) to V(ok) (a commit ended), or
    anything to V(ecosystem_error).
  - C(type=things_changed), with O(watch_things=true), when the Things of an ecosystem differ from the poll
    before, with C(added) and C(removed) (lists of Things) and C(changed) (a list of C(uuid), C(name), C(thing)
    and C(changes), which maps each changed field, as the API names it, to its C(before) and C(after)).
  - C(type=initial_status), with O(emit_initial=true), once for each ecosystem when it is first seen, with
    C(status).
  - C(type=pending_changes_stale), with O(stale_pending_after) above 0, once when an ecosystem has been in
    V(pending_changes) for that long, with C(pending_since) (UTC) and C(pending_seconds).
  - C(type=api_unreachable), with C(error) (one line) and C(status) (the HTTP status, or V(null) when no answer
    came), once when a poll fails; the polls go on with a growing pause, up to 300 seconds. C(type=api_recovered),
    with C(failed_polls) and C(unreachable_seconds), once when a poll works again; the changes made meanwhile
    follow as usual.
  - No event holds the password or the token.
options:
  customer:
    description:
      - The customer whose ecosystems are watched, by name or by uuid.
      - May be left out when the user has exactly one customer.
    type: str
  ecosystems:
    description:
      - The ecosystems to watch, by name or by uuid. All ecosystems of the customer when empty; then an
        ecosystem created later is watched from the poll that first lists it.
      - A comma-separated string is read as a list.
    type: list
    elements: str
    default: []
  interval:
    description:
      - Seconds from the start of one poll to the start of the next. Fractions are allowed.
      - A poll is one list of the ecosystems, plus one list of the Things of each watched ecosystem with
        O(watch_things=true).
    type: float
    default: 30
  watch_things:
    description:
      - Whether to list the Things of each watched ecosystem on every poll and emit C(things_changed).
      - The first poll only takes note of the Things.
    type: bool
    default: false
  emit_initial:
    description:
      - Whether to emit C(initial_status) for each ecosystem when it is first seen, so that rules can act on a
        status that was there before the source started.
    type: bool
    default: false
  stale_pending_after:
    description:
      - Seconds an ecosystem may stay in V(pending_changes) before C(pending_changes_stale) is emitted, once for
        each time it enters that status. V(0) never emits it.
      - The time counts from the first poll that saw the status.
    type: float
    default: 0
extends_documentation_fragment:
  - acreto.platform.acreto.plugin_connection
notes:
  - The connection options mean what they mean for the modules of this collection, and read the same C(ACRETO_*)
    environment variables when the rulebook does not give them. With a token alone, the source ends when it
    expires.
  - Bad options, an unknown customer or ecosystem, and a login that is refused end the source with one line
    that names the problem; an API that cannot be reached does not.
  - An answer of an unexpected shape (a list of ecosystems that is not a list, an ecosystem without a status, a
    body that is not JSON) does not end the source either. It is logged as one line that names the request and
    counts as a failed poll, with C(api_unreachable), and the source polls again.
  - The platform stages changes; see M(acreto.platform.acreto_commit).
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
- name: Watch the ecosystems of the Documentation customer
  hosts: all
  sources:
    - acreto.platform.ecosystem_events:
        customer: Documentation
        ecosystems:
          - Documentation Ecosystem
        interval: 30
        watch_things: true
        emit_initial: true
  rules:
    - name: An ecosystem ended in ecosystem_error
      condition: event.acreto.status == "ecosystem_error"
      action:
        run_playbook:
          name: acreto.platform.eda_report
    - name: A commit ended
      condition: >-
        event.acreto.type == "status_changed"
        and event.acreto.previous_status == "commit_in_progress"
        and event.acreto.status == "ok"
      action:
        print_event:
"""

NAME = "acreto.platform.ecosystem_events"
# The options as documented: the connection options of the doc fragment, then the source's own.
OPTIONS = dict(yaml.safe_load(ModuleDocFragment.PLUGIN_CONNECTION)["options"], **yaml.safe_load(DOCUMENTATION)["options"])
# The longest pause between two polls while the API cannot be reached (or `interval`, when that is longer).
MAX_BACKOFF = 300.0
# Errors that no later poll can mend: the source ends with their message.
FATAL = (AcretoAuthError, AcretoInputError, AcretoNotFoundError, AcretoAmbiguousError)
TRUE = ("true", "yes", "on", "1")
FALSE = ("false", "no", "off", "0")

log = logging.getLogger(NAME)


class SourceError(Exception):
    """Ends the source; ansible-rulebook shows its one-line message and exits with 1."""


def utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# --- the options ----------------------------------------------------------------------------------------

def _convert(name, kind, value):
    """One option's value in the type that DOCUMENTATION declares; a value that does not fit raises AcretoInputError."""
    if kind in ("str", "path"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # a rulebook variable that looks like a number arrives as one
        if not isinstance(value, str):
            raise AcretoInputError("%s must be a string, got %r." % (name, value))
        return os.path.expanduser(value) if kind == "path" else value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in TRUE + FALSE:
            return str(value).strip().lower() in TRUE
        raise AcretoInputError("%s must be true or false, got %r." % (name, value))
    if kind == "list":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
            raise AcretoInputError("%s must be a list of names or uuids, got %r." % (name, value))
        return [item.strip() for item in items]
    number = int if kind == "int" else float
    try:
        if isinstance(value, bool) or (kind == "int" and isinstance(value, float)):
            raise ValueError(value)
        return number(value)
    except (TypeError, ValueError):
        raise AcretoInputError("%s must be a %s, got %r." % (
            name, "whole number of seconds" if kind == "int" else "number of seconds", value)) from None


def parse_options(args, environ=None):
    """The source's options: the rulebook's args, else the ACRETO_* environment, else the default."""
    environ = os.environ if environ is None else environ
    unknown = sorted(key for key in args if key not in OPTIONS and not key.startswith("eda_"))
    if unknown:
        raise AcretoInputError("unsupported option%s %s; the options are %s." % (
            "s" * (len(unknown) > 1), ", ".join(unknown), ", ".join(OPTIONS)))
    options = {}
    for name, spec in OPTIONS.items():
        value = args.get(name)
        for variable in spec.get("env", ()):
            if value is None or value == "":
                value = environ.get(variable["name"])
        if value is None or value == "":
            options[name] = copy.deepcopy(spec.get("default"))
        else:
            options[name] = _convert(name, spec["type"], value)
    _check(options)
    return options


def _check(options):
    problem = connection_problem(options)
    if problem:
        raise AcretoInputError(problem)
    if options["interval"] <= 0:
        raise AcretoInputError("interval must be a number of seconds greater than 0, got %s." % options["interval"])
    if options["stale_pending_after"] < 0:
        raise AcretoInputError("stale_pending_after must be 0 (never) or a number of seconds, got %s."
                               % options["stale_pending_after"])


# --- what changed between two polls ---------------------------------------------------------------------

def things_diff(before, after):
    """The Things added, removed and changed between two lists of Things, matched by uuid."""
    old = {thing.get("uuid"): thing for thing in before}
    new = {thing.get("uuid"): thing for thing in after}
    changed = []
    for uuid, thing in new.items():
        previous = old.get(uuid)
        if previous is None or previous == thing:
            continue
        fields = sorted(set(previous) | set(thing))
        changed.append({"uuid": uuid, "name": thing.get("name"), "thing": thing, "changes": {
            field: {"before": previous.get(field), "after": thing.get(field)}
            for field in fields if previous.get(field) != thing.get(field)}})
    return {"added": [thing for uuid, thing in new.items() if uuid not in old],
            "removed": [thing for uuid, thing in old.items() if uuid not in new],
            "changed": changed}


class EcosystemWatch:
    """The state of one source: what the last poll saw, and since when the API has been failing."""

    def __init__(self, options):
        self.options = options
        self.client = AcretoClient(options["endpoint"], username=options["username"], password=options["password"],
                                   token=options["token"], validate_certs=options["validate_certs"],
                                   ca_path=options["ca_path"], timeout=options["timeout"])
        self.scope = AcretoScope(self.client, username=options["username"], customer=options["customer"])
        self.customer = None  # {"name", "uuid"} once the first poll found it
        self.watched = None  # uuids of the listed ecosystems, once found; None watches all
        self.seen = {}  # ecosystem uuid -> the ecosystem as the last poll listed it
        self.things = {}  # ecosystem uuid -> its Things at the last poll
        self.pending = {}  # ecosystem uuid -> {"since": monotonic, "at": UTC text, "reported": bool}
        self.outage = None  # {"since": monotonic, "polls": failed polls} while the API fails

    # --- one poll, in a worker thread ---

    def read(self):
        """The watched ecosystems as listed now and, with watch_things, the Things of each."""
        customer = self.scope.customer()
        self.customer = {"name": customer.get("name"), "uuid": customer.get("uuid")}
        listed = self.scope.list_ecosystems()
        if self.watched is None and self.options["ecosystems"]:
            where = "for customer '%s'" % customer["name"]
            self.watched = [pick("ecosystem", wanted, listed, where)["uuid"] for wanted in self.options["ecosystems"]]
        ecosystems = [eco for eco in listed if self.watched is None or eco.get("uuid") in self.watched]
        things = None
        if self.options["watch_things"]:
            things = {eco["uuid"]: Thing(self.scope.within(eco), {}).list() for eco in ecosystems}
        return ecosystems, things

    # --- the events ---

    def event(self, kind, ecosystem, **fields):
        return {"acreto": dict(type=kind, customer=copy.deepcopy(self.customer), ecosystem=copy.deepcopy(ecosystem),
                               **fields)}

    def changes(self, ecosystems, things):
        """The events for what changed since the last poll, and the poll taken as the new last one."""
        events = []
        now = time.monotonic()
        for eco in ecosystems:
            uuid, status = eco["uuid"], eco.get("status")
            before = self.seen.get(uuid)
            if before is None:
                if self.options["emit_initial"]:
                    events.append(self.event("initial_status", eco, status=status))
            elif before.get("status") != status:
                events.append(self.event("status_changed", eco, previous_status=before.get("status"), status=status))
            if things is not None and uuid in self.things:
                diff = things_diff(self.things[uuid], things[uuid])
                if any(diff.values()):
                    events.append(self.event("things_changed", eco, **copy.deepcopy(diff)))
            events.extend(self._stale(eco, now))
        self.seen = {eco["uuid"]: eco for eco in ecosystems}
        if things is not None:
            self.things = things
        return events

    def _stale(self, eco, now):
        if eco.get("status") != PENDING:
            self.pending.pop(eco["uuid"], None)
            return []
        pending = self.pending.setdefault(eco["uuid"], {"since": now, "at": utc_now(), "reported": False})
        after = self.options["stale_pending_after"]
        if not after or pending["reported"] or now - pending["since"] < after:
            return []
        pending["reported"] = True
        return [self.event("pending_changes_stale", eco, status=PENDING, pending_since=pending["at"],
                           pending_seconds=int(now - pending["since"]))]

    def failed(self, err):
        """The events for a failed poll (one api_unreachable per outage), and the pause before the next poll."""
        events = []
        if self.outage is None:
            self.outage = {"since": time.monotonic(), "polls": 0}
            log.warning("%s: a poll of the Acreto API failed: %s", NAME, err)
            events.append(self.event("api_unreachable", None, error=str(err), status=err.status))
        self.outage["polls"] += 1
        interval = self.options["interval"]
        return events, min(interval * 2 ** (self.outage["polls"] - 1), max(interval, MAX_BACKOFF))

    def recovered(self):
        if self.outage is None:
            return []
        outage, self.outage = self.outage, None
        seconds = round(time.monotonic() - outage["since"], 1)
        log.warning("%s: the Acreto API answers again after %s s", NAME, seconds)
        return [self.event("api_recovered", None, failed_polls=outage["polls"], unreachable_seconds=seconds)]

    # --- the loop ---

    async def run(self, queue):
        pause = 0
        while True:
            await asyncio.sleep(pause)
            started = time.monotonic()
            try:
                ecosystems, things = await asyncio.to_thread(self.read)
            except FATAL:
                raise
            except AcretoError as err:
                events, pause = self.failed(err)
            else:
                events = self.recovered() + self.changes(ecosystems, things)
                pause = max(0.0, self.options["interval"] - (time.monotonic() - started))
            for event in events:
                await queue.put(event)


async def main(queue, args):
    """The entry point of ansible-rulebook: put events on `queue` until cancelled."""
    try:
        options = parse_options(args)
        for warning in connection_warnings(options):
            log.warning("%s: %s", NAME, warning)
        watch = EcosystemWatch(options)
    except AcretoError as err:
        raise SourceError("%s: %s" % (NAME, err)) from None
    try:
        await watch.run(queue)
    except AcretoError as err:
        raise SourceError("%s: %s" % (NAME, err)) from None
    finally:
        watch.client.close()
