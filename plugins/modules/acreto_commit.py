#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acreto_commit
short_description: Commit the staged changes of an Acreto ecosystem and wait for the commit
version_added: 1.0.0
description:
  - Changes to an ecosystem are staged (status V(pending_changes)) until they are committed.
    This module commits them and waits until the ecosystem is V(ok) again.
  - With nothing pending (status V(ok)) it does nothing and reports no change.
  - When a commit is already running (status V(commit_in_progress)) it waits for that commit and does not start a second one.
    The same happens when someone else's commit starts at the same moment as ours.
  - It fails when the ecosystem is in V(ecosystem_error), and when the wait times out.
options:
  commit:
    description:
      - Whether to commit pending changes.
      - V(false) only waits for a commit that is already running, for example one that an earlier task timed out on.
    type: bool
    default: true
  wait:
    description:
      - Whether to wait until the commit has finished.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the commit to finish.
      - On timeout the task fails with RV(timed_out=true); the commit may still finish.
    type: int
    default: 900
  poll_interval:
    description:
      - The longest pause, in seconds, between two reads of the ecosystem status while waiting.
        The first reads come sooner, after half a second, and the pause doubles up to this value.
    type: float
    default: 5
  foreign_pending:
    description:
      - What to do when the ecosystem holds staged changes that the tasks of O(staged_by) did not make, because
        it was already V(pending_changes) before the first of them wrote, or because none of them wrote and it is
        V(pending_changes) now. Committing would apply those changes too.
      - V(warn) commits and warns, V(fail) fails without committing, V(ignore) commits.
      - Without O(staged_by) (or the deprecated O(ecosystem_status_before)), staged changes are not checked for
        their origin.
    type: str
    choices: [ignore, warn, fail]
    default: warn
  staged_by:
    description:
      - The registered results of the tasks that staged the changes to commit, in the order they ran, for example
        the results registered as C(camera) and C(printer) by M(acreto.platform.acreto_thing) or
        M(acreto.platform.acreto_things) tasks of the same ecosystem, given as V({{ [camera, printer] }}).
      - Their RV(acreto.platform.acreto_thing#module:ecosystem_status_before) tells whether someone else had staged
        changes before them (see O(foreign_pending)).
      - In check mode nothing was staged, so the ecosystem shows nothing pending; when one of them reports a change,
        the commit that a real run would make is reported as a change.
      - Results of skipped tasks count as no change. Each item must be a registered result, with a C(changed) key.
    type: list
    elements: dict
    version_added: 1.1.0
  ecosystem_status_before:
    description:
      - Deprecated, to be removed in 2.0.0; use O(staged_by).
      - The ecosystem status that the play's first write saw, as returned by
        RV(acreto.platform.acreto_thing#module:ecosystem_status_before).
      - Ignored when O(staged_by) is given.
    type: str
extends_documentation_fragment:
  - acreto.platform.acreto
  - acreto.platform.acreto.token
  - acreto.platform.acreto.customer
  - acreto.platform.acreto.ecosystem
attributes:
  check_mode:
    details:
      - In check mode no commit is started. The result reports a change when changes are pending,
        or when a task of O(staged_by) reports one.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
notes:
  - A commit of a new ecosystem can take several minutes.
  - If the ecosystem ends in V(ecosystem_error), contact Acreto support.
author:
  - Acreto Platform Collection contributors (@acreto)
"""

EXAMPLES = r"""
# The connection comes from the ACRETO_* environment variables.
- name: Commit the quick start's Thing and wait for the ecosystem to be ok
  acreto.platform.acreto_commit:
    ecosystem: Documentation Ecosystem

- name: Stage and commit on a slow link; the credentials still come from the environment
  module_defaults:
    group/acreto.platform.acreto:
      endpoint: https://api-is-rock-solid.acreto.net/v2
      timeout: 120
  block:
    - name: Add a camera
      acreto.platform.acreto_thing:
        ecosystem: Lab Ecosystem
        name: cam-01
        profile_group: Cameras
      register: cam

    - name: Commit, but not someone else's half-finished changes
      acreto.platform.acreto_commit:
        ecosystem: Lab Ecosystem
        staged_by: "{{ [cam] }}"
        foreign_pending: fail
        wait_timeout: 1800

- name: Wait for a commit that an earlier run timed out on
  acreto.platform.acreto_commit:
    ecosystem: Lab Ecosystem
    commit: false
"""

RETURN = r"""
ecosystem_status_before:
  description: The status of the ecosystem when the task started, before it committed anything.
  returned: always
  type: str
  sample: pending_changes
  version_added: 1.1.0
status_before:
  description:
    - Deprecated, to be removed in 2.0.0; use RV(ecosystem_status_before), which holds the same value.
  returned: always
  type: str
  sample: pending_changes
status:
  description: The status of the ecosystem when the task ended; the last status seen when the wait timed out.
  returned: always
  type: str
  sample: ok
elapsed:
  description: Seconds the task spent, from the first read to the last.
  returned: always
  type: float
  sample: 42.5
polls:
  description: How many times the ecosystem status was read while waiting.
  returned: always
  type: int
  sample: 9
timed_out:
  description: Whether the wait ended because O(wait_timeout) passed.
  returned: always
  type: bool
  sample: false
ecosystem:
  description: The ecosystem as last read, as the API returns it, with the fields of RV(acreto.platform.acreto_ecosystem_info#module:ecosystems).
  returned: always
  type: dict
  sample: {"uuid": "049d6701-a8d3-ca61-662e-3f6adbbd4156", "name": "Documentation Ecosystem", "status": "ok",
           "created": "2020-09-30T10:24:00.000Z", "nsps": [{"name": "EWR1", "status": "green"}],
           "owner": {"fullName": "John Doe", "username": "someone@somedomain.com", "uuid": "5fdb6311-d058-0c36-de65-eff41e0ca063"}}
"""

import time

from ansible_collections.acreto.platform.plugins.module_utils._api import ERROR, IN_PROGRESS, KNOWN_STATUSES, PENDING
from ansible_collections.acreto.platform.plugins.module_utils._errors import (
    AcretoError, AcretoInputError, AcretoStatusError, AcretoTimeoutError,
)
from ansible_collections.acreto.platform.plugins.module_utils._module import ECOSYSTEM_ARGS, AcretoModule

COMMIT_ARGS = dict(
    commit=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=900),
    poll_interval=dict(type="float", default=5),
    foreign_pending=dict(type="str", choices=["ignore", "warn", "fail"], default="warn"),
    staged_by=dict(type="list", elements="dict"),
    ecosystem_status_before=dict(type="str", removed_in_version="2.0.0", removed_from_collection="acreto.platform"),
)


class Commit:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.scope = module.scope
        self.started = time.monotonic()
        self.ecosystem = self.scope.ecosystem()
        self.name = self.ecosystem["name"]
        before = self.ecosystem.get("status")
        self.result = dict(changed=False, ecosystem_status_before=before, status_before=before, polls=0, timed_out=False)

    def run(self):
        p = self.params
        before = self.result["ecosystem_status_before"]
        if before not in KNOWN_STATUSES or before == ERROR:
            self.fail_on_status(before)
        staged = self.staged()
        predicted = self.module.check_mode and staged is not None and staged[0]
        self.result["changed"] = p["commit"] and (before == PENDING or bool(predicted))
        if self.result["changed"]:
            self.check_foreign_pending(staged)
        if not self.module.check_mode:
            if before == IN_PROGRESS:
                self.wait((IN_PROGRESS,))
            if self.ecosystem.get("status") == PENDING and p["commit"]:
                self.result["changed"] = True
                self.wait((IN_PROGRESS, PENDING) if self.post() else (IN_PROGRESS,))
            if self.ecosystem.get("status") == ERROR:
                self.fail_on_status(ERROR, "Commit on ecosystem '%s' ended in status '%s'; contact Acreto support.")
        return self.finish()

    def staged(self):
        """(whether a task of staged_by changed something, the status its first write saw), or None without staged_by."""
        results = self.params["staged_by"]
        if results is None:
            return None
        changed = [result for result in results if result.get("changed")]
        if not changed:
            return False, None
        return True, changed[0].get("ecosystem_status_before")

    def check_foreign_pending(self, staged):
        if staged is None:
            foreign = self.params["ecosystem_status_before"] == PENDING
            why = "before this play wrote to it (ecosystem_status_before 'pending_changes')"
        elif staged[0]:
            foreign = staged[1] == PENDING
            why = "before the tasks of staged_by wrote to it (their ecosystem_status_before 'pending_changes')"
        else:
            foreign = self.result["ecosystem_status_before"] == PENDING
            why = ("that were staged before this run, by someone else or by a run that stopped before its commit "
                   "(no task of staged_by changed anything)")
        if not foreign or self.params["foreign_pending"] == "ignore":
            return
        msg = "Ecosystem '%s' already had pending changes %s; a commit applies those changes too." % (self.name, why)
        if self.params["foreign_pending"] == "fail":
            raise AcretoStatusError(msg + " Set foreign_pending=ignore to commit them anyway.", details=self.finish())
        self.module.warn(msg)

    def post(self):
        """Start the commit; False when someone else's commit is running instead of ours."""
        client = self.scope.client
        attempt = 0
        while True:
            attempt += 1
            try:
                client.request("POST", self.scope.ecosystem_path("commits"))
                return True
            except AcretoError as err:
                # 409: another commit has just started. Uncertain: ours may have started. Either way, look first.
                if not (err.status == 409 or err.uncertain) or attempt > client.retries:
                    err.details.update(self.finish())
                    raise err.during("Committing ecosystem '%s'" % self.name)
                self.ecosystem = self.scope.read_ecosystem()
                if self.ecosystem.get("status") != PENDING:
                    return False
                time.sleep(client.retry_delay(attempt))

    def wait(self, busy):
        if not self.params["wait"]:
            return
        timeout = self.params["wait_timeout"]
        try:
            self.ecosystem, polls = self.scope.wait_while(busy, timeout, self.params["poll_interval"], describe_timeout=lambda eco: (
                "Commit on ecosystem '%s' did not finish within %d s; last status '%s'. It may still finish: "
                "run acreto_commit with commit=false to wait for it." % (self.name, timeout, eco.get("status"))))
        except AcretoTimeoutError as err:
            self.ecosystem = err.ecosystem
            self.result["polls"] += err.polls
            self.result["timed_out"] = True
            err.details.update(self.finish())
            raise
        self.result["polls"] += polls

    def fail_on_status(self, status, template="Ecosystem '%s' is in status '%s'; contact Acreto support."):
        if status not in KNOWN_STATUSES:
            template = "Ecosystem '%%s' has status '%%s', which is not one of %s." % ", ".join(KNOWN_STATUSES)
        raise AcretoStatusError(template % (self.name, status), details=self.finish())

    def finish(self):
        return dict(self.result, status=self.ecosystem.get("status"), ecosystem=self.ecosystem,
                    elapsed=round(time.monotonic() - self.started, 1))


def commit(module):
    for option in ("wait_timeout", "poll_interval"):
        if module.params[option] <= 0:
            raise AcretoInputError("%s must be greater than 0, got %g." % (option, module.params[option]))
    for index, result in enumerate(module.params["staged_by"] or []):
        if "changed" not in result and not result.get("skipped"):
            raise AcretoInputError("staged_by[%d] is not a registered task result (it has no 'changed'); pass the "
                                   "variables that the write tasks registered, for example [camera, printer]." % index)
    return Commit(module).run()


def main():
    module = AcretoModule(argument_spec=dict(ECOSYSTEM_ARGS, **COMMIT_ARGS), supports_check_mode=True)
    module.run(lambda: commit(module))


if __name__ == "__main__":
    main()
