# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where a run works: the customer and the ecosystem, found by name or uuid, and the waits on the ecosystem's status.

Plain Python on top of the client, with no Ansible imports: modules, the inventory plugin and the event source
share it. Every failure is raised as an AcretoError subclass.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.acreto.platform.plugins.module_utils._api import (
    ERROR, IN_PROGRESS, KNOWN_STATUSES, PENDING, WRITABLE, is_uuid,
)
from ansible_collections.acreto.platform.plugins.module_utils._errors import (
    AcretoAmbiguousError, AcretoError, AcretoInputError, AcretoNotFoundError, AcretoStatusError, AcretoTimeoutError,
)

# The first re-read of a busy ecosystem comes after this many seconds; the pause then doubles.
FIRST_POLL = 0.5
# The keys that the collection relies on in the objects that the API answers.
NAMED = ("uuid", "name")
ECOSYSTEM_KEYS = ("uuid", "name", "status")


def quoted(items, key="name"):
    return ", ".join("'%s'" % item.get(key) for item in items) or "none"


def pick(kind, wanted, items, where):
    """The item whose uuid is `wanted`, else the one item named `wanted`."""
    found = [i for i in items if i.get("uuid") == wanted.lower()] or [i for i in items if i.get("name") == wanted]
    if len(found) == 1:
        return found[0]
    if not found:
        raise AcretoNotFoundError("%s '%s' not found %s (found: %s)." % (kind.capitalize(), wanted, where, quoted(items)))
    raise AcretoAmbiguousError("%d %ss named '%s' %s (uuids: %s); pass the uuid to pick one."
                               % (len(found), kind, wanted, where, ", ".join(i.get("uuid") for i in found)))


class AcretoScope:
    """The customer and ecosystem of one run, looked up once, over one client.

    customer and ecosystem are what the user gave (a name or a uuid, or None). wait_timeout is how long a write
    waits for a running commit (ecosystem_wait_timeout), and foreign_pending what a write does when the ecosystem
    already holds staged changes (ignore, warn or fail). Warnings for the user collect in `warnings`.
    """

    def __init__(self, client, username=None, customer=None, ecosystem=None, wait_timeout=None, foreign_pending="ignore"):
        self.client = client
        self.username = username
        self.wanted_customer = customer
        self.wanted_ecosystem = ecosystem
        self.wait_timeout = wait_timeout
        self.foreign_pending = foreign_pending or "ignore"
        self.warnings = []
        self._customer = None
        self._ecosystems = None
        self._ecosystem = None
        self._groups = None

    def within(self, ecosystem):
        """A scope of the same customer and client for one of its ecosystems, as listed: nothing is looked up again."""
        other = AcretoScope(self.client, username=self.username, customer=self.wanted_customer, ecosystem=ecosystem["uuid"],
                            wait_timeout=self.wait_timeout, foreign_pending=self.foreign_pending)
        other._customer = self.customer()
        other._ecosystems = self._ecosystems
        other._ecosystem = ecosystem
        return other

    def read_list(self, action, path, what, required=NAMED):
        """The list that GET path answers, each item an object with the required keys; any other answer raises."""
        return self._during(action, lambda: self.client.get_list(path, what, required))

    def read_object(self, action, path, what, required=NAMED, missing_ok=False):
        """The object that GET path answers, with the required keys; None for a 404 when missing_ok."""
        return self._during(action, lambda: self.client.get_object(path, what, required), missing_ok)

    @staticmethod
    def _during(action, send, missing_ok=False):
        """send(); an API error is raised led by `action`, except a 404 when missing_ok (then None)."""
        try:
            return send()
        except AcretoError as err:
            if missing_ok and err.status == 404:
                return None
            raise err.during(action)

    # --- the customer ---

    def customer(self):
        """{'name', 'uuid'} of the customer asked for, or of the user's only customer when none was."""
        if self._customer is not None:
            return self._customer
        wanted = self.wanted_customer
        if not self.username and (wanted is None or not is_uuid(wanted)):
            raise AcretoInputError("With a token and no username, customer must be given as a uuid "
                                   "(customer names come from the login); got %s." % ("'%s'" % wanted if wanted else "none"))
        if wanted is not None and is_uuid(wanted) and self.client.customers is None and self.client.token:
            # A token and a customer uuid need no login: the customers that a login lists would only give its name.
            self._customer = {"name": wanted.lower(), "uuid": wanted.lower()}
            return self._customer
        if self.client.customers is None:
            self.client.login()
        customers = self.client.customers or []
        if wanted is not None:
            self._customer = pick("customer", wanted, customers, "for user '%s'" % self.username)
        elif len(customers) == 1:
            self._customer = customers[0]
        else:
            raise AcretoInputError("customer is required: user '%s' has %d customers (%s)."
                                   % (self.username, len(customers), quoted(customers)))
        return self._customer

    def customer_path(self, suffix=""):
        return "customers/%s%s" % (self.customer()["uuid"], suffix and "/" + suffix)

    # --- the ecosystem ---

    def ecosystems(self):
        if self._ecosystems is None:
            self._ecosystems = self.list_ecosystems()
        return self._ecosystems

    def list_ecosystems(self):
        """The ecosystems of the customer as listed now (not kept)."""
        return self.read_list("Listing the ecosystems of customer '%s'" % self.customer()["name"],
                              self.customer_path("ecosystems"), "ecosystem", ECOSYSTEM_KEYS)

    def _read_ecosystem(self, name, uuid, missing_ok=False):
        return self.read_object("Reading ecosystem '%s'" % name, self.customer_path("ecosystems/%s" % uuid.lower()),
                                "ecosystem", ECOSYSTEM_KEYS, missing_ok=missing_ok)

    def ecosystem(self):
        """The ecosystem asked for, as listed or as last read (with its status).

        One given by uuid is read alone, which gives its status as the list does; only when there is none with that
        uuid are the ecosystems listed, to look for one of that name and to name those that exist.
        """
        if self._ecosystem is None:
            wanted = self.wanted_ecosystem
            if is_uuid(wanted) and self._ecosystems is None:
                self._ecosystem = self._read_ecosystem(wanted, wanted, missing_ok=True)
            if self._ecosystem is None:
                self._ecosystem = pick("ecosystem", wanted, self.ecosystems(), "for customer '%s'" % self.customer()["name"])
        return self._ecosystem

    @property
    def ecosystem_name(self):
        return self.ecosystem()["name"]

    def ecosystem_path(self, suffix=""):
        return self.customer_path("ecosystems/%s%s" % (self.ecosystem()["uuid"], suffix and "/" + suffix))

    def read_ecosystem(self):
        self._ecosystem = self._read_ecosystem(self.ecosystem_name, self.ecosystem()["uuid"])
        return self._ecosystem

    # --- profile groups ---

    def groups(self):
        if self._groups is None:
            self._groups = self.read_list("Listing the profile groups of ecosystem '%s'" % self.ecosystem_name,
                                          self.ecosystem_path("groups"), "profile group")
        return self._groups

    def profile_group_uuid(self, wanted, listed=True):
        """The uuid of the profile group named or given by uuid; listed=False takes a uuid as it is, unlisted."""
        if not listed and is_uuid(wanted):
            return wanted.lower()
        return pick("profile group", wanted, self.groups(), "in ecosystem '%s'" % self.ecosystem_name)["uuid"]

    # --- the status ---

    def wait_while(self, busy, timeout, max_interval=5.0, describe_timeout=None):
        """Re-read the ecosystem while its status is one of `busy`, for at most `timeout` seconds.

        The first re-read comes after FIRST_POLL seconds, and the pause doubles up to max_interval. Returns the
        ecosystem as last read and the number of reads. On timeout raises AcretoTimeoutError, whose message is
        describe_timeout(last ecosystem read).
        """
        deadline = time.monotonic() + timeout
        interval = min(FIRST_POLL, max_interval)
        polls = 0
        eco = self.ecosystem()
        while eco.get("status") in busy:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                message = (describe_timeout(eco) if describe_timeout else
                           "Ecosystem '%s' was still '%s' after %d s." % (eco.get("name"), eco.get("status"), timeout))
                raise AcretoTimeoutError(message, ecosystem=eco, polls=polls)
            time.sleep(min(interval, remaining))
            interval = min(interval * 2, max_interval)
            eco = self.read_ecosystem()
            polls += 1
        return eco, polls

    def fail_on_status(self, status, doing):
        if status == ERROR:
            raise AcretoStatusError("%s: ecosystem '%s' is in status '%s'; contact Acreto support." % (doing, self.ecosystem_name, status))
        raise AcretoStatusError("%s: ecosystem '%s' has status '%s', which is not one of %s."
                                % (doing, self.ecosystem_name, status, ", ".join(KNOWN_STATUSES)))

    def wait_until_writable(self, doing, check_mode=False):
        """The status guard before a write; returns the status the write starts from.

        A running commit is waited for up to wait_timeout, except in check mode, which only predicts.
        """
        status = self.ecosystem().get("status")
        if status == IN_PROGRESS and not check_mode:
            eco, dummy = self.wait_while((IN_PROGRESS,), self.wait_timeout, describe_timeout=lambda eco: (
                "%s: ecosystem '%s' was still '%s' after %d s (ecosystem_wait_timeout); try again later."
                % (doing, eco.get("name"), eco.get("status"), self.wait_timeout)))
            status = eco.get("status")
        if status not in WRITABLE and not (status == IN_PROGRESS and check_mode):
            self.fail_on_status(status, doing)
        if status == PENDING and self.foreign_pending != "ignore":
            message = ("%s: ecosystem '%s' already has pending changes that this task did not make; a commit would apply "
                       "them too." % (doing, self.ecosystem_name))
            if self.foreign_pending == "fail":
                raise AcretoStatusError(message + " Nothing was written (foreign_pending=fail).")
            self.warnings.append(message)
        return status

    def commit_running(self):
        """Whether a commit runs now, read afresh."""
        return self.read_ecosystem().get("status") == IN_PROGRESS
