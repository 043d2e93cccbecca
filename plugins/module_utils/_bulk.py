# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many objects of one resource in one module run, with the resource-module states.

One list request finds every current object. Only the objects that differ get a write, and the writes run
on a small pool of threads that share the module's keep-alive session. Everything that can be wrong with
the input is found before the first write; a write that fails does not stop the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.acreto.platform.plugins.module_utils._module import IN_PROGRESS, is_uuid

BULK_STATES = ["merged", "replaced", "overridden", "deleted", "gathered"]
PARALLELISM_MAX = 32
DOING = {"create": "Creating %s", "update": "Updating %s", "delete": "Deleting %s"}
SHOWN_FAILURES = 10


class Throttle:
    """At most `limit` writes at a time; the limit halves, down to 1, each time the API answered 429."""

    def __init__(self, limit):
        self.limit = limit
        self._active = 0
        self._cond = threading.Condition()

    def __enter__(self):
        with self._cond:
            while self._active >= self.limit:
                self._cond.wait()
            self._active += 1

    def __exit__(self, *exc_info):
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    def slow_down(self):
        with self._cond:
            self.limit = max(1, self.limit // 2)


class BulkItem:
    """Mixed into a resource class for the items of a bulk run.

    The write hooks of AcretoResource may fail the module, which a worker thread must never do;
    these raise AcretoError instead, and the engine reports the item as failed.
    """

    index = None

    def input_error(self):
        """What is wrong with this item's options, or None."""
        return None

    def where(self):
        return "config[%d]" % self.index

    def lookup(self, value):
        field = self.fields[self.identity]
        found = [obj for obj in self.module.client.get(self.path) or [] if obj.get(field) == value]
        if len(found) > 1:
            raise self.module.lib.AcretoError("%d %ss named '%s' after a create whose answer was lost (uuids: %s)"
                                              % (len(found), self.kind, value, ", ".join(o.get("uuid") for o in found)))
        return found[0] if found else None

    def commit_running(self):
        return (self.module.client.get(self.module.ecosystem_path()) or {}).get("status") == IN_PROGRESS

    def wait_until_writable(self, action):
        timeout = self.module.params["ecosystem_wait_timeout"]
        deadline = time.monotonic() + timeout
        interval = 0.5
        while self.commit_running():
            if time.monotonic() >= deadline:
                raise self.module.lib.AcretoError("%s: ecosystem '%s' was still '%s' after %d s (ecosystem_wait_timeout)"
                                                  % (action, self.module.ecosystem()["name"], IN_PROGRESS, timeout))
            time.sleep(interval)
            interval = min(interval * 2, 5)

    def replacement(self, current):
        """The object exactly as the options give it (state replaced), keeping the uuid of the current one."""
        if current is not None:
            missing = [option for option in self.required_on_create if self.params.get(option) is None]
            if missing:
                self.module.fail_json(msg="%s: %s is required with state=replaced or overridden, because %s is replaced as a whole."
                                          % (self.where(), " and ".join(missing), self.label()))
        obj = self.wanted(None)
        if current is not None:
            obj["uuid"] = current["uuid"]
        return obj


class Step:
    """One write: what, to which object, and how it went."""

    def __init__(self, action, item, current, wanted):
        self.action = action
        self.item = item
        self.current = current
        self.wanted = wanted
        self.result = None
        self.error = None

    @property
    def doing(self):
        return DOING[self.action] % self.item.label(self.current or self.wanted)


class BulkEngine:
    """Plans and applies the writes for a list of items; run() exits the module."""

    def __init__(self, module, item_class, scope_option=None):
        self.module = module
        self.item_class = item_class
        self.scope_option = scope_option
        self.probe = item_class(module)
        self.option_of = {field: option for option, field in self.probe.fields.items()}

    # --- input ---

    def items(self, config, state):
        m = self.module
        items = []
        for index, params in enumerate(config):
            item = self.item_class(m, params=params, index=index)
            uuid = params.get("uuid")
            identity = params.get(item.identity)
            if uuid is not None and not is_uuid(uuid):
                m.fail_json(msg="%s: uuid must look like 'c86c8910-1770-818b-a0c8-cf9d91201255', got '%s'." % (item.where(), uuid))
            if not (identity or uuid):
                m.fail_json(msg="%s: %s or uuid is required." % (item.where(), item.identity))
            error = None if state == "deleted" else item.input_error()
            if error:
                m.fail_json(msg="%s (%s): %s" % (item.where(), identity or uuid, error))
            items.append(item)
        self.fail_on_repeats(items, "uuid", lambda item: (item.params.get("uuid") or "").lower())
        self.fail_on_repeats(items, self.probe.identity, lambda item: not item.params.get("uuid") and item.params.get(item.identity))
        return items

    def fail_on_repeats(self, items, what, key):
        seen = {}
        for item in items:
            value = key(item)
            if value:
                seen.setdefault(value, []).append(item)
        for value, same in seen.items():
            if len(same) > 1:
                self.module.fail_json(msg="%s %s '%s' appears %d times in config (%s); each %s must be listed once."
                                          % (self.probe.kind.capitalize(), what, value, len(same),
                                             ", ".join(i.where() for i in same), self.probe.kind))

    def scope(self):
        value = self.module.params.get(self.scope_option) if self.scope_option else None
        if value is None:
            return None
        field = self.probe.fields[self.scope_option]
        return field, self.probe.comparable(field, self.probe.api_value(self.scope_option, value))

    def in_scope(self, obj, scope):
        return scope is None or self.probe.comparable(scope[0], obj.get(scope[0])) == scope[1]

    # --- planning: decide everything before the first write ---

    def match(self, item, by_uuid, by_identity, state):
        uuid = item.params.get("uuid")
        if uuid:
            found = by_uuid.get(uuid.lower())
            if found is None and state != "deleted":
                self.module.fail_json(msg="%s: no %s with uuid '%s' in ecosystem '%s'; leave uuid out to create one by %s."
                                          % (item.where(), item.kind, uuid, self.module.ecosystem()["name"], item.identity))
            return found
        value = item.params[item.identity]
        return item.only_one(value, by_identity.get(value, ()))

    def plan(self, state, items, current, scope):
        field = self.probe.fields[self.probe.identity]
        by_uuid = {obj["uuid"].lower(): obj for obj in current}
        by_identity = {}
        for obj in current:
            by_identity.setdefault(obj.get(field), []).append(obj)
        steps = []
        unchanged = 0
        matched = {}
        for item in items:
            found = self.match(item, by_uuid, by_identity, state)
            if found is not None:
                other = matched.setdefault(found["uuid"], item)
                if other is not item:
                    self.module.fail_json(msg="%s and %s both match %s (uuid %s); list it once."
                                              % (other.where(), item.where(), item.label(found), found["uuid"]))
            if state == "deleted":
                if found is not None:
                    steps.append(Step("delete", item, found, None))
                else:
                    unchanged += 1
                continue
            wanted = item.wanted(found) if state == "merged" else item.replacement(found)
            if found is None:
                steps.append(Step("create", item, None, wanted))
            elif not item.same(found, wanted):
                steps.append(Step("update", item, found, wanted))
            else:
                unchanged += 1
        if state == "overridden":
            steps.extend(Step("delete", self.probe, obj, None) for obj in current
                         if obj["uuid"] not in matched and self.in_scope(obj, scope))
        return steps, unchanged

    # --- the writes ---

    def apply(self, steps):
        throttle = Throttle(self.module.params["parallelism"])
        with ThreadPoolExecutor(max_workers=throttle.limit) as pool:
            # list(): re-raise here any error that is not an API error
            list(pool.map(lambda step: self.apply_one(step, throttle), steps))

    def apply_one(self, step, throttle):
        client = self.module.client
        with throttle:
            seen = client.throttled
            try:
                step.result = step.item.try_write(step.doing, step.current, step.wanted)
            except self.module.lib.AcretoError as err:
                step.error = err
            if client.throttled > seen:
                throttle.slow_down()

    # --- the result ---

    def as_options(self, obj):
        shaped = {option: obj.get(field) for field, option in self.option_of.items()}
        shaped["uuid"] = obj.get("uuid")
        return shaped

    def changes(self, step):
        if step.action == "delete":
            return {}
        fields = self.probe.fields.values() if step.action == "create" else step.item.changed_fields(step.current, step.wanted)
        return {self.option_of[f]: step.wanted.get(f) for f in fields}

    def command(self, step):
        obj = step.current or step.result or step.wanted
        return {"action": step.action, "name": obj.get(self.probe.fields[self.probe.identity]), "uuid": obj.get("uuid"),
                "changes": self.changes(step)}

    def failure(self, step):
        err = step.error
        return dict(self.command(step), msg="%s failed: %s" % (step.doing, err), status=err.status, api_error=err.api_error)

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
            command = self.command(step)
            name = command["name"]
            if step.current is not None:
                before[name] = self.as_options(step.current)
            if step.wanted is not None:
                after[name] = self.as_options(step.wanted)
            if step.action == "update":
                shown = ", ".join("%s %r -> %r" % (option, before[name][option], value) for option, value in command["changes"].items())
                lines.append("~ %s: %s" % (name, shown))
            else:
                lines.append("%s %s" % ("+" if step.action == "create" else "-", name))
        return {"before": before, "after": after, "prepared": "\n".join(lines) + "\n"}

    def run(self, state, config):
        m = self.module
        scope = self.scope()
        if state == "gathered":
            current = self.probe.list()
            m.exit_json(changed=False, gathered=[self.as_options(obj) for obj in current if self.in_scope(obj, scope)],
                        ecosystem_status_before=m.ecosystem().get("status"))
        items = self.items(config, state)
        current = self.probe.list()
        steps, unchanged = self.plan(state, items, current, scope)
        status = m.ecosystem().get("status")
        if steps:
            status = m.wait_for_writable_ecosystem("Writing %d %ss" % (len(steps), self.probe.kind))
            if not m.check_mode:
                self.apply(steps)
        done = [step for step in steps if step.error is None]
        failed = [step for step in steps if step.error is not None]
        summary = {"created": 0, "updated": 0, "deleted": 0, "unchanged": unchanged, "failed": len(failed)}
        for step in done:
            summary[step.action + "d"] += 1
        result = dict(changed=bool(done), ecosystem_status_before=status, summary=summary,
                      commands=[self.command(step) for step in done],
                      before=[self.as_options(obj) for obj in current])
        if done:
            # as in other resource modules, `after` only when something changed: it halves the result of a no-op
            result["after"] = [self.as_options(obj) for obj in self.after(current, done)]
        if m._diff:
            result["diff"] = self.diff(done, summary)
        if failed:
            shown = "; ".join(step.doing + " failed: " + str(step.error) for step in failed[:SHOWN_FAILURES])
            more = " (and %d more, see failures)" % (len(failed) - SHOWN_FAILURES) if len(failed) > SHOWN_FAILURES else ""
            m.fail_json(msg="%d of %d writes failed: %s%s" % (len(failed), len(steps), shown, more),
                        failures=[self.failure(step) for step in failed], **result)
        m.exit_json(**result)
