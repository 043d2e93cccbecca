# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many objects of one resource in one module run, with the resource-module states.

One list request finds every current object. Each entry of the list is an object of the resource class, and runs
the same find, wanted, changed_fields and try_write as a single-object module. Everything that can be wrong with
the input is found before the first write. Only the objects that differ get a write, and the writes run on a
small pool of threads that share the module's keep-alive session; a write that fails does not stop the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.acreto.platform.plugins.module_utils._api import UUID_EXAMPLE, is_uuid
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoError, AcretoInputError

BULK_STATES = ["merged", "replaced", "overridden", "deleted", "gathered"]
PARALLELISM_MAX = 32
# Writes in flight by default, chosen by the rule and the measurements of docs/benchmarks.md (make bench).
PARALLELISM_DEFAULT = 16
SHOWN_FAILURES = 10


class Throttle:
    """At most `limit` writes at a time, between 1 and `ceiling` (the parallelism asked for).

    Additive increase, multiplicative decrease, as TCP does with its window: a write during which the API answered
    429 halves the limit, and every `limit` writes in a row without a 429 raise it by one, back up to the ceiling.
    Writes in flight together see the same 429s; they share an epoch (how often the limit was halved when they
    started), and only the first of them to end halves it. Without 429s the limit stays at the ceiling.
    """

    def __init__(self, ceiling):
        self.ceiling = ceiling
        self.limit = ceiling
        self.epoch = 0
        self._active = 0
        self._clean = 0
        self._cond = threading.Condition()

    def acquire(self):
        """Wait for a free slot; returns the epoch that the write starts in."""
        with self._cond:
            while self._active >= self.limit:
                self._cond.wait()
            self._active += 1
            return self.epoch

    def release(self, epoch, throttled):
        """The write that started in `epoch` is done; `throttled`: the API answered 429 while it ran."""
        with self._cond:
            self._active -= 1
            if throttled:
                self._clean = 0
                if epoch == self.epoch:
                    self.limit = max(1, self.limit // 2)
                    self.epoch += 1
            elif self.limit < self.ceiling:
                self._clean += 1
                if self._clean >= self.limit:
                    self.limit += 1
                    self._clean = 0
            self._cond.notify_all()


class Entry:
    """One entry of the list option: where the user wrote it, and the object it describes."""

    def __init__(self, index, obj):
        self.index = index
        self.obj = obj

    @property
    def params(self):
        return self.obj.params

    def absent(self, state):
        """Whether this entry asks for its object to be gone: state=deleted, or its own state=absent."""
        return state == "deleted" or self.params.get("state") == "absent"

    def where(self):
        return "config[%d]" % self.index

    def error(self, err):
        """err, its message led by this entry."""
        err.message = "%s (%s): %s" % (self.where(), self.params.get(self.obj.identity) or self.params.get("uuid"), err.message)
        return err


class Step:
    """One write: what, to which object, for which entry (none for an object that state=overridden deletes), and how it went."""

    def __init__(self, action, obj, current, wanted, entry=None):
        self.action = action
        self.entry = entry
        self.obj = obj
        self.current = current
        self.wanted = wanted
        self.result = None
        self.error = None

    @property
    def doing(self):
        return self.obj.doing(self.current, self.wanted)


class BulkEngine:
    """Plans and applies the writes for a list of entries; run() returns the module's result or raises."""

    def __init__(self, scope, resource_class, parallelism, check_mode=False, diff=False, limit=None):
        """limit: (option, value) that limits state=overridden and state=gathered to the objects that have it."""
        self.scope = scope
        self.resource_class = resource_class
        self.parallelism = parallelism
        self.check_mode = check_mode
        self.want_diff = diff
        self.limit = limit if limit and limit[1] is not None else None
        self.probe = resource_class(scope, {})

    # --- input ---

    def entries(self, config, state):
        entries = []
        for index, params in enumerate(config):
            entry = Entry(index, self.resource_class(self.scope, params))
            # references given by uuid are looked up once the plan has writes (check_references), before the first
            entry.obj.look_up_references = False
            uuid = params.get("uuid")
            if uuid is not None and not is_uuid(uuid):
                raise AcretoInputError("%s: uuid must look like '%s', got '%s'." % (entry.where(), UUID_EXAMPLE, uuid))
            if not (params.get(entry.obj.identity) or uuid):
                raise AcretoInputError("%s: %s or uuid is required." % (entry.where(), entry.obj.identity))
            if state == "deleted" and params.get("state") == "present":
                raise entry.error(AcretoInputError("state=present contradicts the task's state=deleted, which deletes every listed %s."
                                                   % entry.obj.kind))
            if not entry.absent(state):
                try:
                    entry.obj.validate()
                except AcretoInputError as err:
                    raise entry.error(err)
            entries.append(entry)
        self.fail_on_repeats(entries, "uuid", lambda entry: (entry.params.get("uuid") or "").lower())
        self.fail_on_repeats(entries, self.probe.identity,
                             lambda entry: not entry.params.get("uuid") and entry.params.get(entry.obj.identity))
        return entries

    def fail_on_repeats(self, entries, what, key):
        seen = {}
        for entry in entries:
            value = key(entry)
            if value:
                seen.setdefault(value, []).append(entry)
        for value, same in seen.items():
            if len(same) > 1:
                raise AcretoInputError("%s %s '%s' appears %d times in config (%s); each %s must be listed once."
                                       % (self.probe.kind.capitalize(), what, value, len(same),
                                          ", ".join(e.where() for e in same), self.probe.kind))

    def scope_filter(self):
        if self.limit is None:
            return None
        option, value = self.limit
        field = self.probe.fields[option]
        return field, self.probe.comparable(field, self.probe.api_value(option, value))

    def in_scope(self, obj, scope_filter):
        return scope_filter is None or self.probe.comparable(scope_filter[0], obj.get(scope_filter[0])) == scope_filter[1]

    # --- planning: decide everything before the first write ---

    def plan(self, state, entries, current, scope_filter):
        steps = []
        counts = {"unchanged": 0, "absent": 0}
        matched = {}
        listed = self.probe.listing(current)
        for entry in entries:
            obj = entry.obj
            found = obj.find(listed)
            if found is None and entry.params.get("uuid") and not entry.absent(state):
                raise entry.error(obj.missing_uuid_error())
            if found is not None:
                other = matched.setdefault(found["uuid"], entry)
                if other is not entry:
                    raise AcretoInputError("%s and %s both match %s (uuid %s); list it once."
                                           % (other.where(), entry.where(), obj.label(found), found["uuid"]))
            if entry.absent(state):
                if found is not None:
                    steps.append(Step("delete", obj, found, None, entry))
                else:
                    counts["absent"] += 1
                continue
            try:
                wanted = obj.wanted(found) if state == "merged" else obj.replacement(found, state)
            except AcretoInputError as err:
                raise entry.error(err)
            if found is None:
                steps.append(Step("create", obj, None, wanted, entry))
            elif not obj.same(found, wanted):
                steps.append(Step("update", obj, found, wanted, entry))
            else:
                counts["unchanged"] += 1
        if state == "overridden":
            steps.extend(Step("delete", self.probe, obj, None) for obj in current
                         if obj["uuid"] not in matched and self.in_scope(obj, scope_filter))
        self.fail_on_shared_names(steps, listed)
        return steps, counts

    def fail_on_shared_names(self, steps, listed):
        """No write may give two objects the same name: not a name that another object has now, even one that this
        run renames or deletes (the writes run in parallel, and one of them may fail), and not one name twice."""
        field = self.probe.identity_field
        given = {}
        for step in steps:
            if step.wanted is None or (step.current is not None and step.current.get(field) == step.wanted.get(field)):
                continue
            holder = step.obj.holder_of_name(step.current, step.wanted, listed)
            if holder is not None:
                raise step.entry.error(step.obj.name_taken_error(step.current, step.wanted, holder))
            given.setdefault(step.wanted[field], []).append(step)
        for value, same in given.items():
            if len(same) > 1:
                raise AcretoInputError("%s would give the %s '%s' to %d %ss; each %s must be unique in ecosystem '%s'."
                                       % (" and ".join(step.entry.where() for step in same), self.probe.identity, value,
                                          len(same), self.probe.kind, self.probe.identity, self.scope.ecosystem_name))

    # --- the writes ---

    def apply(self, steps):
        throttle = Throttle(self.parallelism)
        with ThreadPoolExecutor(max_workers=throttle.ceiling) as pool:
            # list(): re-raise here any error that is not an API error
            list(pool.map(lambda step: self.apply_one(step, throttle), steps))

    def apply_one(self, step, throttle):
        client = self.scope.client
        epoch = throttle.acquire()
        seen = client.throttled
        try:
            step.result = step.obj.try_write(step.doing, step.current, step.wanted)
        except AcretoError as err:
            step.error = err
        finally:
            throttle.release(epoch, client.throttled > seen)

    # --- the result ---

    def changes(self, step):
        if step.action == "delete":
            return {}
        fields = self.probe.fields.values() if step.action == "create" else step.obj.changed_fields(step.current, step.wanted)
        option_of = {field: option for option, field in self.probe.fields.items()}
        return {option_of[f]: step.wanted.get(f) for f in fields}

    def command(self, step):
        obj = step.current or step.result or step.wanted
        return {"action": step.action, "name": obj.get(self.probe.identity_field), "uuid": obj.get("uuid"),
                "changes": self.changes(step)}

    def failure(self, step):
        err = step.error
        return dict(self.command(step), msg=str(err), status=err.status, api_error=err.api_error)

    def after(self, current, done):
        objects = {obj["uuid"]: obj for obj in current}
        created = []
        for step in done:
            if step.action == "delete":
                objects.pop(step.current["uuid"], None)
            elif step.action == "update":
                objects[step.current["uuid"]] = step.result or step.wanted
            else:
                created.append(step.result or step.wanted)
        return list(objects.values()) + created

    def diff(self, steps, summary):
        lines = [", ".join("%s %d" % item for item in summary.items())]
        before, after = {}, {}
        for step in steps:
            name = self.command(step)["name"]
            if step.current is not None:
                before[name] = self.probe.as_options(step.current)
            if step.wanted is not None:
                after[name] = self.probe.as_options(step.wanted)
            lines.append(step.obj.change_line(step.current, step.wanted))
        return {"before": before, "after": after, "prepared": "\n".join(lines) + "\n"}

    def run(self, state, config):
        scope_filter = self.scope_filter()
        if state == "gathered":
            current = self.probe.list()
            return dict(changed=False, gathered=[self.probe.as_options(obj) for obj in current if self.in_scope(obj, scope_filter)],
                        ecosystem_status_before=self.scope.ecosystem().get("status"))
        entries = self.entries(config, state)
        current = self.probe.list()
        steps, counts = self.plan(state, entries, current, scope_filter)
        status = self.scope.ecosystem().get("status")
        if steps:
            # every reference of every entry exists before the first write; a run that writes nothing needs no look-up
            for entry in entries:
                if not entry.absent(state):
                    entry.obj.check_references()
            doing = "Writing %d %s%s" % (len(steps), self.probe.kind, "" if len(steps) == 1 else "s")
            status = self.scope.wait_until_writable(doing, self.check_mode)
            if not self.check_mode:
                self.apply(steps)
        done = [step for step in steps if step.error is None]
        failed = [step for step in steps if step.error is not None]
        summary = {"created": 0, "updated": 0, "deleted": 0, "unchanged": counts["unchanged"], "absent": counts["absent"],
                   "failed": len(failed)}
        for step in done:
            summary[step.action + "d"] += 1
        result = dict(changed=bool(done), ecosystem_status_before=status, summary=summary,
                      commands=[self.command(step) for step in done],
                      before=[self.probe.as_options(obj) for obj in current])
        if done:
            # as in other resource modules, `after` only when something changed: it halves the result of a no-op
            result["after"] = [self.probe.as_options(obj) for obj in self.after(current, done)]
        if self.want_diff:
            result["diff"] = self.diff(done, summary)
        if failed:
            shown = "; ".join(str(step.error) for step in failed[:SHOWN_FAILURES])
            more = " (and %d more, see failures)" % (len(failed) - SHOWN_FAILURES) if len(failed) > SHOWN_FAILURES else ""
            raise AcretoError("%d of %d writes failed: %s%s" % (len(failed), len(steps), shown, more),
                              details=dict(result, failures=[self.failure(step) for step in failed]))
        return result
