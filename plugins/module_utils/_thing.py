# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Thing resource (a device of an ecosystem), declared once for every plugin that reads or writes Things."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta
import re

from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoInputError
from ansible_collections.acreto.platform.plugins.module_utils._resource import AcretoResource

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

RFC3339_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


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


class Thing(AcretoResource):
    collection_path = "customers/{customer}/ecosystems/{ecosystem}/devices"
    identity = "name"
    fields = {"name": "name", "type": "type", "category": "category", "asset_value": "assetValue",
              "profile_group": "profileGroup", "expiry": "expiry"}
    result_key = "thing"
    kind = "thing"
    noun = "Thing"
    zero = {"assetValue": 0, "category": "", "type": "", "expiry": {"time": "0001-01-01T00:00:00.000Z", "type": ""}}
    create_defaults = {"type": "device"}
    required_on_create = ("profile_group",)

    def validate(self):
        if (self.params.get("asset_value") or 0) < 0:
            raise AcretoInputError("asset_value must be 0 or greater, got %d." % self.params["asset_value"])
        time = (self.params.get("expiry") or {}).get("time")
        if time is not None and api_time(time) is None:
            raise AcretoInputError("expiry.time must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z, got '%s'." % time)

    def api_value(self, option, value):
        if option == "profile_group":
            return self.scope.profile_group_uuid(value, listed=self.look_up_references)
        if option == "expiry" and value.get("time") is not None:
            return dict(value, time=api_time(value["time"]))
        return value

    def check_references(self):
        if self.params.get("profile_group") is not None:
            self.scope.profile_group_uuid(self.params["profile_group"])

    def comparable(self, field, value):
        if field == "expiry" and value:
            return dict(value, time=api_time(value.get("time") or "") or value.get("time"))
        if field == "profileGroup" and value:
            return value.lower()
        return value
