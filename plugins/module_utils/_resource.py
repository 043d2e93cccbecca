# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The present/absent engine: a subclass declares its resource; the engine finds, compares, guards and writes once.

It raises AcretoError subclasses and never exits, so a worker thread of a bulk run can use it as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.acreto.platform.plugins.module_utils._errors import (
    AcretoAmbiguousError, AcretoError, AcretoInputError, AcretoNotFoundError,
)

DOING = {"create": "Creating %s", "update": "Updating %s", "delete": "Deleting %s"}
# The statuses of a write that the API refused as invalid: nothing of it was applied.
REFUSED = (400, 422)


class Listing:
    """The objects of one list request, found by uuid or by identity without going through the list each time."""

    def __init__(self, objects, identity_field):
        self.objects = objects
        self._by_uuid = {}
        self._by_identity = {}
        for obj in objects:
            self._by_uuid.setdefault((obj.get("uuid") or "").lower(), obj)
            self._by_identity.setdefault(obj.get(identity_field), []).append(obj)

    def with_uuid(self, uuid):
        return self._by_uuid.get(uuid.lower())

    def with_identity(self, value):
        return self._by_identity.get(value, [])


class AcretoResource:
    """One object of a resource, as the options in `params` describe it, inside `scope`.

    A subclass declares the resource with the class attributes below and may refine the hooks.
    """

    collection_path = ""  # relative to the endpoint, with {customer} and {ecosystem}
    identity = "name"  # the option that finds the object when no uuid is given
    fields = {}  # option -> API field
    result_key = ""
    kind = ""  # for messages, e.g. "thing"
    noun = ""  # how the API's objects are named in a message about an answer's shape, e.g. "Thing"
    zero = {}  # what the API stores for a field left out
    create_defaults = {}  # API fields a create gets when the option is not set
    required_on_create = ()

    def __init__(self, scope, params):
        self.scope = scope
        self.params = params
        # Whether a reference to another object that is given by uuid (a Thing's profile group) is looked up as soon
        # as the options become the wanted object. When it is not, check_references() looks it up later: the bulk
        # engine does so before its first write (and not at all when nothing is to be written), and ensure() only
        # when the API has refused the one write as a whole, to say which option was wrong; in check mode, where no
        # write checks it, ensure() looks it up at once.
        self.look_up_references = True

    # --- hooks ---

    def validate(self):
        """Check the options before any request; raise AcretoInputError with one line naming the option."""

    def api_value(self, option, value):
        """Turn an option's value into the API's (resolve names, normalise formats)."""
        return value

    def comparable(self, field, value):
        """The value of an API field as compared (so that equal values written differently are equal)."""
        return value

    def check_references(self):
        """Look up the objects that the options refer to; raise the error of one that does not exist."""

    # --- reading ---

    @property
    def path(self):
        return self.collection_path.format(customer=self.scope.customer()["uuid"], ecosystem=self.scope.ecosystem()["uuid"])

    @property
    def identity_field(self):
        return self.fields[self.identity]

    def label(self, obj=None):
        return "%s '%s'" % (self.kind, (obj or {}).get(self.identity_field) or self.params.get(self.identity) or self.params.get("uuid"))

    @property
    def required_keys(self):
        """The keys that every object the API answers must have: the uuid and the identity."""
        return ("uuid", self.identity_field)

    def get(self, uuid):
        """The object with this uuid, None when the API answers 404; an answer of another shape raises."""
        return self.scope.read_object("Reading %s with uuid '%s'" % (self.kind, uuid), "%s/%s" % (self.path, uuid.lower()),
                                      self.noun, self.required_keys, missing_ok=True)

    def list(self):
        """Every object, as one list (paged answers followed); an answer of another shape raises, null included."""
        return self.scope.read_list("Listing the %ss of ecosystem '%s'" % (self.kind, self.scope.ecosystem_name), self.path,
                                    self.noun, self.required_keys)

    def listing(self, objects=None):
        """A Listing of `objects`, or of the objects that one list request returns now."""
        return Listing(self.list() if objects is None else objects, self.identity_field)

    def find(self, listed=None):
        """The current object: by uuid when one is given, else by identity; None when there is none.

        `listed` is a Listing of every current object when the caller has listed them already.
        """
        uuid = self.params.get("uuid")
        if uuid:
            return self.get(uuid) if listed is None else listed.with_uuid(uuid)
        value = self.params[self.identity]
        return self.only_one(value, (self.listing() if listed is None else listed).with_identity(value))

    def only_one(self, value, items):
        """The one item of `items` whose identity field is `value`, or None."""
        found = [item for item in items if item.get(self.identity_field) == value]
        if len(found) > 1:
            raise AcretoAmbiguousError("%d %ss named '%s' in ecosystem '%s' (uuids: %s); pass uuid to pick one."
                                       % (len(found), self.kind, value, self.scope.ecosystem_name,
                                          ", ".join(item.get("uuid") for item in found)))
        return found[0] if found else None

    def holder_of_name(self, current, wanted, listed):
        """The object of the Listing `listed`, other than `current`, that already has the identity that `wanted` gives."""
        value = wanted[self.identity_field]
        if current is not None and current.get(self.identity_field) == value:
            return None
        own = current and current.get("uuid")
        return next((obj for obj in listed.with_identity(value) if obj.get("uuid") != own), None)

    def name_taken_error(self, current, wanted, holder):
        doing = "renaming %s to '%s'" % (self.label(current), wanted[self.identity_field]) if current else "creating %s" % self.label(wanted)
        return AcretoInputError("%s would give two %ss of ecosystem '%s' the %s '%s': %s (uuid %s) already has it."
                                % (doing[0].upper() + doing[1:], self.kind, self.scope.ecosystem_name, self.identity,
                                   wanted[self.identity_field], self.label(holder), holder.get("uuid")))

    def missing_uuid_error(self):
        return AcretoNotFoundError("No %s with uuid '%s' in ecosystem '%s'; leave uuid out to create one by %s."
                                   % (self.kind, self.params["uuid"], self.scope.ecosystem_name, self.identity))

    # --- deciding ---

    def wanted(self, current):
        """The whole object as it should be: the options that were set, merged over the current object."""
        if current is None:
            missing = [option for option in self.required_on_create if self.params.get(option) is None]
            if missing:
                raise AcretoInputError("%s is required to create %s, which does not exist yet."
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

    def replacement(self, current, state):
        """The object exactly as the options give it (state replaced or overridden): the managed fields are reset to what
        the options say, and the fields that no option manages (the uuid, and those of a newer API) are kept."""
        if current is not None:
            missing = [option for option in self.required_on_create if self.params.get(option) is None]
            if missing:
                raise AcretoInputError("%s is required with state=%s, because %s is replaced as a whole."
                                       % (" and ".join(missing), state, self.label(current)))
        obj = self.wanted(None)
        if current is None:
            return obj
        return dict(self.unmanaged(current), **obj)

    def unmanaged(self, obj):
        """The fields of obj that no option manages (its uuid, and those of a newer API): a PUT sends them back."""
        managed = set(self.fields.values())
        return {field: value for field, value in obj.items() if field not in managed}

    def as_options(self, obj):
        """An API object in the shape of the options, with its uuid."""
        shaped = {option: obj.get(field) for option, field in self.fields.items()}
        shaped["uuid"] = obj.get("uuid")
        return shaped

    def change_line(self, current, wanted):
        """One line of a diff, in the words of the options: '+ name', '- name' or '~ name: option old -> new, ...'."""
        if current is None:
            return "+ %s" % wanted.get(self.identity_field)
        if wanted is None:
            return "- %s" % current.get(self.identity_field)
        option_of = {field: option for option, field in self.fields.items()}
        shown = ", ".join("%s %r -> %r" % (option_of[f], current.get(f), wanted.get(f)) for f in self.changed_fields(current, wanted))
        return "~ %s: %s" % (current.get(self.identity_field), shown)

    def diff(self, current, wanted):
        """The diff of one object: before and after in the shape of the options, and its change line."""
        return dict(before=self.as_options(current) if current else {}, after=self.as_options(wanted) if wanted else {},
                    prepared=self.change_line(current, wanted) + "\n")

    def changed_fields(self, current, wanted):
        return [f for f in self.fields.values() if self.comparable(f, current.get(f)) != self.comparable(f, wanted.get(f))]

    def same(self, current, wanted):
        return not self.changed_fields(current, wanted)

    def doing(self, current, wanted):
        action = "create" if current is None else "delete" if wanted is None else "update"
        return DOING[action] % self.label(current or wanted)

    # --- the flow of one object ---

    def ensure(self, state, check_mode=False):
        """Make the object present (merging the options over it) or absent; returns the module's result."""
        self.validate()
        self.look_up_references = check_mode
        current = self.find()
        if state == "present" and current is None and self.params.get("uuid"):
            raise self.missing_uuid_error()
        wanted = self.wanted(current) if state == "present" else None
        if current is not None and wanted is not None and current.get(self.identity_field) != wanted[self.identity_field]:
            holder = self.holder_of_name(current, wanted, self.listing())
            if holder is not None:
                raise self.name_taken_error(current, wanted, holder)
        changed = (current is None) != (wanted is None) or (wanted is not None and not self.same(current, wanted))
        result_obj = (current if not changed else wanted) or {}
        status = self.scope.ecosystem().get("status")
        if changed:
            action = self.doing(current, wanted)
            status = self.scope.wait_until_writable(action, check_mode)
            if not check_mode:
                result_obj = self.try_write(action, current, wanted)
        result = dict(changed=changed, ecosystem_status_before=status, **{self.result_key: result_obj})
        if changed:
            result["diff"] = self.diff(current, wanted)
        return result

    # --- the one write ---

    def body(self, obj):
        return {k: v for k, v in obj.items() if k != "uuid"}

    def send(self, current, wanted):
        client = self.scope.client
        if current is None:
            created = client.request("POST", self.path, body=self.body(wanted))
            return self.written(created) or self.only_one(wanted[self.identity_field], self.list()) or wanted
        if wanted is None:
            client.request("DELETE", "%s/%s" % (self.path, current["uuid"]))
            return {}
        return self.written(client.request("PUT", "%s/%s" % (self.path, current["uuid"]), body=self.body(wanted))) or wanted

    @staticmethod
    def written(answer):
        """The object that a write answered, or None when the answer is not one (empty, or of another shape)."""
        return answer if isinstance(answer, dict) and isinstance(answer.get("uuid"), str) else None

    def try_write(self, action, current, wanted):
        """Send the one write, led by `action` in any error. Another try only where the earlier ones cannot have been applied:

        - 409 because a commit started since the status guard: wait for it like the guard does (once);
        - a create whose answer was lost (uncertain): look for the object first, so none is created twice,
          and send it again only when it is not there, at most as often as the client retries a request.
        A DELETE answered 404 was a retry whose first try went through. A write refused as invalid whose references
        were not looked up before is explained by looking them up now.
        """
        client = self.scope.client
        waited = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.send(current, wanted)
            except AcretoError as err:
                if wanted is None and err.status == 404:
                    return {}
                if err.status == 409 and not waited and self.scope.commit_running():
                    waited = True
                    self.scope.wait_until_writable(action)
                elif err.uncertain and current is None and attempt <= client.retries:
                    found = self.only_one(wanted[self.identity_field], self.list())
                    if found:
                        return found
                    time.sleep(client.retry_delay(attempt))
                else:
                    if err.status in REFUSED and not self.look_up_references:
                        self.check_references()
                    raise err.during(action)
