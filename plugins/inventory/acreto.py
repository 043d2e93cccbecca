# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: acreto
short_description: Things of the Acreto platform as inventory hosts
version_added: 1.1.0
description:
  - Makes one inventory host of each Thing (device) of the ecosystems of an Acreto customer.
  - Uses a YAML configuration file whose name ends in C(acreto.yml) or C(acreto.yaml).
  - One login, one list of the ecosystems, then one list of the profile groups and one list of the Things per
    ecosystem, several ecosystems at a time. Filters cost no request. A list answered page by page through an
    RFC 8288 C(Link) header with C(rel="next") is read to its end, up to 1000 pages.
  - An answer of another shape than the API's (a list answered as an object or as C(null), an ecosystem without
    C(status), a Thing without C(uuid) or C(name), an HTML page) fails the inventory with one line that names the
    request.
  - Each host is in the group of its ecosystem, C(acreto_<ecosystem>), through the group of its profile group,
    C(acreto_<ecosystem>_<profile group>). A group name is the name in lower case, with every run of characters
    other than letters and digits made one C(_), for example C(acreto_lab_ecosystem_profile_group_1).
    Two ecosystems (or two profile groups of one ecosystem) whose names give the same group name each get
    C(_) and the first eight characters of their uuid added.
  - The host name is the Thing's name, or what O(hostname) makes of the host variables. Thing names are unique
    within an ecosystem, not across ecosystems. When several Things would get one host name, none of them is
    dropped or merged, each gets C(_) and the first eight characters of its uuid added (the whole uuid where eight
    are not enough), and a warning names them.
  - 'Host variables: C(acreto_uuid), C(acreto_name), C(acreto_type), C(acreto_category), C(acreto_asset_value),
    C(acreto_expiry), C(acreto_profile_group) (the name), C(acreto_profile_group_uuid), C(acreto_ecosystem) (the
    name), C(acreto_ecosystem_uuid), C(acreto_ecosystem_status) and C(acreto_customer) (the name).'
  - O(compose), O(groups) and O(keyed_groups) build more from them, as with every constructable inventory plugin.
  - The connection options mean what they mean for the modules of this collection, and read the same
    C(ACRETO_*) environment variables. Values may be templates, for example a lookup, and vaulted strings work.
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - acreto.platform.acreto.plugin_connection
requirements:
  - The Python library C(requests) 2.25.0 or newer, with C(urllib3) 1.26.5 or newer, on the controller.
options:
  plugin:
    description: The name of this plugin; it makes the configuration file one of this plugin.
    type: str
    required: true
    choices: [acreto.platform.acreto]
  customer:
    description:
      - The customer (organization) whose ecosystems are listed, by name or by uuid.
      - May be left out when the user has exactly one customer.
    type: str
  ecosystems:
    description:
      - The ecosystems whose Things become hosts, by name or by uuid. All ecosystems of the customer when empty.
      - A name that matches no ecosystem fails the inventory source.
    type: list
    elements: str
    default: []
  profile_groups:
    description:
      - Only the Things of these profile groups, by name or by uuid. All when empty.
      - A value that matches the profile group of no Thing of the ecosystems read gives a warning.
    type: list
    elements: str
    default: []
  categories:
    description: Only the Things of these categories (exact values). All when empty.
    type: list
    elements: str
    default: []
  hostname:
    description:
      - A Jinja2 expression over the host variables that gives the host name, as in O(compose), for example
        V(acreto_ecosystem ~ '-' ~ acreto_name). The Thing's name when not set.
    type: str
  parallelism:
    description: How many ecosystems to read at the same time, from 1 to 32.
    type: int
    default: 4
"""

EXAMPLES = r"""
# things.acreto.yml: every Thing of the account's only customer, grouped by category and by type.
# The connection comes from ACRETO_ENDPOINT, ACRETO_USERNAME and ACRETO_PASSWORD.
plugin: acreto.platform.acreto
keyed_groups:
  - key: acreto_category
    prefix: category
  - key: acreto_type
    prefix: type

# The other examples are commented out so that this text stays one YAML document; each is a file of its own.
#
# cameras.acreto.yml: the cameras of one ecosystem, named after it, with the password from Ansible Vault
# and the list kept for an hour in a JSON file cache.
# plugin: acreto.platform.acreto
# endpoint: https://api-is-rock-solid.acreto.net/v2
# username: someone@somedomain.com
# password: "{{ lookup('ansible.builtin.unvault', 'acreto-password.vault') | trim }}"
# customer: Documentation
# ecosystems:
#   - Lab Ecosystem
# profile_groups:
#   - Cameras
# hostname: "'lab-' ~ acreto_name | lower | regex_replace('[^a-z0-9]+', '-')"
# compose:
#   asset_is_high: acreto_asset_value >= 3
# groups:
#   critical: acreto_asset_value >= 5
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/acreto-inventory
# cache_timeout: 3600
#
# acreto.yml of an AWX inventory source ("Sourced from a Project"): no connection options, because a
# credential of the collection's credential type injects the ACRETO_* variables into the inventory update.
# plugin: acreto.platform.acreto
# customer: Documentation
# keyed_groups:
#   - key: acreto_ecosystem_status
#     prefix: status
"""

import collections
import re
from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.acreto.platform.plugins.module_utils._api import connection_problem, connection_warnings
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoError, AcretoInputError
from ansible_collections.acreto.platform.plugins.module_utils._scope import AcretoScope, pick
from ansible_collections.acreto.platform.plugins.module_utils._thing import Thing

VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CONNECTION_OPTIONS = ("endpoint", "username", "password", "token", "validate_certs", "ca_path", "timeout")
PARALLELISM_MAX = 32
# names listed in a warning, at the most
SHOWN_NAMES = 5


def safe(name):
    """A name as a part of a group name: lower case, every run of other characters than letters and digits one '_'."""
    return re.sub(r"[^a-z0-9]+", "_", (name or "").lower()).strip("_") or "_"


def unique_names(items, name_of, uuid_key="uuid"):
    """The names of the items (dicts with a uuid), where a name that several items share gets '_' and the first eight
    characters of the uuid of each, or the whole uuid where eight are not enough; and the set of names that were shared."""
    names = [name_of(item) for item in items]
    shared = {name for name, count in collections.Counter(names).items() if count > 1}
    uuids = [item.get(uuid_key) or "" for item in items]
    result = ["%s_%s" % (name, uuid[:8]) if name in shared else name for name, uuid in zip(names, uuids)]
    still = {name for name, count in collections.Counter(result).items() if count > 1}
    return [("%s_%s" % (name, uuid) if name in shared and short in still else short)
            for name, uuid, short in zip(names, uuids, result)], shared


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "acreto.platform.acreto"

    def _compose(self, template, variables, *args, **kwargs):
        # ansible-core compiles an expression anew for every host, about a millisecond and a half each: a bare name
        # of a host variable, the usual key of keyed_groups, is its value without a template.
        name = template.strip() if isinstance(template, str) else None
        if name and VARIABLE_NAME.match(name) and name in variables and not self.get_option("use_extra_vars"):
            return variables[name]
        return super()._compose(template, variables, *args, **kwargs)

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("acreto.yml", "acreto.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            self.populate(self.read(self.get_cache_key(path), cache))
        except AcretoError as err:
            raise AnsibleParserError(str(err)) from None

    # --- reading, or the cache ---

    def option(self, name):
        """An option's value, templated when it is a template (a lookup, a variable of the extra vars)."""
        value = self.get_option(name)
        if isinstance(value, str) and "{{" in value:
            value = self.templar.template(value)
        return value

    def read(self, cache_key, cache):
        use_cache = self.get_option("cache")
        if use_cache and cache:
            try:
                return self._cache[cache_key]
            except KeyError:
                pass
        data = self.fetch()
        if use_cache:
            self._cache[cache_key] = data
        return data

    def client(self):
        from ansible_collections.acreto.platform.plugins.module_utils import _client

        if not _client.HAS_REQUESTS:
            raise AcretoError("The acreto.platform.acreto inventory needs the Python library 'requests' on the controller.")
        options = {name: self.option(name) for name in CONNECTION_OPTIONS}
        problem = connection_problem(options)
        if problem:
            raise AcretoInputError(problem)
        if not 1 <= self.get_option("parallelism") <= PARALLELISM_MAX:
            raise AcretoInputError("parallelism must be between 1 and %d, got %d." % (PARALLELISM_MAX, self.get_option("parallelism")))
        endpoint = options.pop("endpoint")
        client = _client.AcretoClient(endpoint, pool_maxsize=max(10, self.get_option("parallelism")), **options)
        for warning in connection_warnings(dict(options, endpoint=endpoint)):
            self.display.warning("acreto inventory: " + warning)
        return client

    def fetch(self):
        """What the hosts are made of, as it can be cached: the customer, and each ecosystem with its groups and Things."""
        client = self.client()
        try:
            scope = AcretoScope(client, username=self.option("username"), customer=self.option("customer"))
            customer = scope.customer()
            every = scope.ecosystems()
            wanted = [pick("ecosystem", value, every, "for customer '%s'" % customer["name"]) for value in self.option("ecosystems")]
            chosen = list({eco["uuid"]: eco for eco in wanted}.values()) if wanted else every

            def read_one(eco):
                here = scope.within(eco)
                return {"ecosystem": eco, "groups": here.groups(), "things": Thing(here, {}).list()}

            with ThreadPoolExecutor(max_workers=max(1, min(self.get_option("parallelism"), len(chosen)))) as pool:
                ecosystems = list(pool.map(read_one, chosen))
        finally:
            client.close()
        return {"customer": {"name": customer["name"], "uuid": customer["uuid"]}, "ecosystems": ecosystems}

    # --- the hosts ---

    def host_vars(self, customer, ecosystem, group, thing):
        return {
            "acreto_uuid": thing.get("uuid"),
            "acreto_name": thing.get("name"),
            "acreto_type": thing.get("type"),
            "acreto_category": thing.get("category"),
            "acreto_asset_value": thing.get("assetValue"),
            "acreto_expiry": thing.get("expiry"),
            "acreto_profile_group": group.get("name"),
            "acreto_profile_group_uuid": group.get("uuid") or thing.get("profileGroup"),
            "acreto_ecosystem": ecosystem.get("name"),
            "acreto_ecosystem_uuid": ecosystem.get("uuid"),
            "acreto_ecosystem_status": ecosystem.get("status"),
            "acreto_customer": customer.get("name"),
        }

    def selected(self, data):
        """(host vars, profile group's group, ecosystem's group) of every Thing that the filters let through."""
        wanted_groups = {value.lower() for value in self.option("profile_groups")}
        categories = set(self.option("categories"))
        entries = data["ecosystems"]
        eco_groups, dummy = unique_names([entry["ecosystem"] for entry in entries], lambda eco: "acreto_" + safe(eco.get("name")))
        chosen, matched = [], set()
        for entry, eco_group in zip(entries, eco_groups):
            groups = entry["groups"]
            names, dummy = unique_names(groups, lambda group: eco_group + "_" + safe(group.get("name")))
            group_of = {(group.get("uuid") or "").lower(): (group, name) for group, name in zip(groups, names)}
            self.inventory.add_group(eco_group)
            for thing in entry["things"]:
                group, host_group = group_of.get((thing.get("profileGroup") or "").lower(), ({}, eco_group))
                if wanted_groups:
                    found = {(group.get("name") or "").lower(), (group.get("uuid") or "").lower()} & wanted_groups
                    if not found:
                        continue
                    matched |= found
                if categories and thing.get("category") not in categories:
                    continue
                chosen.append((self.host_vars(data["customer"], entry["ecosystem"], group, thing), host_group, eco_group))
        if wanted_groups - matched:
            self.display.warning("acreto inventory: no Thing is in a profile group named %s in the ecosystems read."
                                 % ", ".join("'%s'" % value for value in sorted(wanted_groups - matched)))
        return chosen

    def hostname(self, host_vars):
        """The host name of one Thing, from the hostname option when it is set."""
        expression = self.get_option("hostname")
        if not expression:
            return host_vars["acreto_name"]
        try:
            name = self._compose(expression, host_vars)
        except Exception as err:  # pylint: disable=broad-except
            raise AnsibleParserError("hostname: %s" % " ".join(str(err).split())) from None
        if not isinstance(name, str) or not name.strip():
            raise AnsibleParserError("hostname: the expression gave %r for Thing '%s', not a name." % (name, host_vars["acreto_name"]))
        return name

    def populate(self, data):
        chosen = self.selected(data)
        names, shared = unique_names([item[0] for item in chosen], self.hostname, uuid_key="acreto_uuid")
        if shared:
            shown = sorted(shared)[:SHOWN_NAMES]
            more = " and %d more names" % (len(shared) - len(shown)) if len(shared) > len(shown) else ""
            self.display.warning("acreto inventory: several Things would be named %s%s; each of them is named with the first "
                                 "eight characters of its uuid added." % (", ".join("'%s'" % name for name in shown), more))
        strict = self.get_option("strict")
        for name, (host_vars, host_group, eco_group) in zip(names, chosen):
            if host_group != eco_group:
                self.inventory.add_group(host_group)
                self.inventory.add_child(eco_group, host_group)
            self.inventory.add_host(name, group=host_group)
            for key, value in host_vars.items():
                self.inventory.set_variable(name, key, value)
            try:
                self._set_composite_vars(self.get_option("compose"), host_vars, name, strict=strict)
                host_vars = self.inventory.get_host(name).get_vars()
                self._add_host_to_composed_groups(self.get_option("groups"), host_vars, name, strict=strict)
                self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, name, strict=strict)
            except AnsibleError as err:
                raise AnsibleParserError(" ".join(str(err).split())) from None
