# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Thing resource (a device of an ecosystem), shared by acreto_thing and acreto_things."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.acreto.platform.plugins.module_utils._module import AcretoResource, api_time

# The options that describe one Thing.
THING_FIELD_ARGS = dict(
    name=dict(type="str"),
    uuid=dict(type="str"),
    profile_group=dict(type="str"),
    type=dict(type="str"),
    category=dict(type="str"),
    asset_value=dict(type="int"),
    expiry=dict(type="dict", options=dict(time=dict(type="str"), type=dict(type="str"))),
)


def thing_input_error(params):
    """What is wrong with the options of one Thing, in one line, or None."""
    if (params.get("asset_value") or 0) < 0:
        return "asset_value must be 0 or greater, got %d." % params["asset_value"]
    time = (params.get("expiry") or {}).get("time")
    if time is not None and api_time(time) is None:
        return "expiry.time must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got '%s'." % time
    return None


class Thing(AcretoResource):
    collection_path = "customers/{customer}/ecosystems/{ecosystem}/devices"
    identity = "name"
    fields = {"name": "name", "type": "type", "category": "category", "asset_value": "assetValue",
              "profile_group": "profileGroup", "expiry": "expiry"}
    result_key = "thing"
    kind = "thing"
    zero = {"assetValue": 0, "category": "", "type": "", "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""}}
    create_defaults = {"type": "device"}
    required_on_create = ("profile_group",)

    def validate(self):
        error = thing_input_error(self.params)
        if error:
            self.module.fail_json(msg=error)

    def api_value(self, option, value):
        if option == "profile_group":
            return self.module.profile_group_uuid(value)
        if option == "expiry" and value.get("time") is not None:
            return dict(value, time=api_time(value["time"]))
        return value

    def comparable(self, field, value):
        if field == "expiry" and value:
            return dict(value, time=api_time(value.get("time") or "") or value.get("time"))
        if field == "profileGroup" and value:
            return value.lower()
        return value
