# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The documentation of the event source, as ansible-doc and galaxy-importer read it, and the shipped rulebooks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest
import yaml

from conftest import COLLECTIONS, REPO

COLLECTION = os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform")
SOURCES = os.path.join(COLLECTION, "extensions", "eda", "plugins", "event_source")
RULEBOOKS = os.path.join(COLLECTION, "extensions", "eda", "rulebooks")
ANSIBLE_TYPES = {"str": "str", "bool": "bool", "int": "int", "path": "path"}


@pytest.fixture(scope="module")
def doc():
    """What `ansible-doc -M <the source's folder> ecosystem_events` reads, as galaxy-importer runs it."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS)
    ansible_doc = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    result = subprocess.run([ansible_doc, "-M", SOURCES, "--json", "ecosystem_events"], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return json.loads(result.stdout)["ecosystem_events"]


def test_every_option_is_documented_with_its_type_and_default(doc, source_module):
    options = doc["doc"]["options"]
    assert sorted(options) == sorted(source_module.OPTIONS)
    for name, option in options.items():
        assert option["description"] and option["type"] in ("str", "bool", "int", "float", "path", "list"), name
    assert source_module.parse_options({"token": "t"}, environ={}) == dict(
        {name: option.get("default") for name, option in options.items()}, token="t")


def test_connection_options_mean_what_they_mean_for_the_modules(doc):
    from ansible_collections.acreto.platform.plugins.module_utils._api import DEFAULT_ENDPOINT
    from ansible_collections.acreto.platform.plugins.module_utils._module import ACRETO_COMMON_ARGS

    options = doc["doc"]["options"]
    assert options["endpoint"]["default"] == DEFAULT_ENDPOINT
    for name, spec in ACRETO_COMMON_ARGS.items():
        assert ANSIBLE_TYPES[spec["type"]] == options[name]["type"], name
        assert spec.get("default") == options[name].get("default"), name
        assert [{"name": variable} for variable in spec["fallback"][1]] == options[name]["env"], name


@pytest.fixture
def rulebook_env(monkeypatch):
    """What ansible-rulebook needs to look collections up: ansible-galaxy on PATH and the installed collection."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", COLLECTIONS)


def test_examples_are_a_rulebook_that_ansible_rulebook_accepts(doc, rulebook_env):
    assert_valid_rulebook(yaml.safe_load(doc["examples"]))


@pytest.mark.parametrize("name", ["ecosystem_error", "stale_pending_changes", "things_drift"])
def test_shipped_rulebooks_are_valid(name, rulebook_env):
    with open(os.path.join(RULEBOOKS, name + ".yml"), encoding="utf-8") as handle:
        rulebook = yaml.safe_load(handle)
    assert_valid_rulebook(rulebook)
    sources = [source for ruleset in rulebook for source in ruleset["sources"]]
    assert all("acreto.platform.ecosystem_events" in source for source in sources)


def assert_valid_rulebook(rulebook):
    """ansible-rulebook's own checks: the JSON schema, then the parser of rules and conditions."""
    from ansible_rulebook.rules_parser import parse_rule_sets
    from ansible_rulebook.validators import Validate

    Validate.rulebook(rulebook)
    rule_sets = parse_rule_sets(rulebook)
    assert rule_sets and all(rule_set.rules for rule_set in rule_sets)


def test_the_decision_environment_has_ansible_rulebook_java_and_this_release():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    with open(os.path.join(REPO, "docs", "decision-environment.yml"), encoding="utf-8") as handle:
        dependencies = yaml.safe_load(handle)["dependencies"]
    assert {"name": "acreto.platform", "version": "==" + version} in dependencies["galaxy"]["collections"]
    assert any(package.startswith("ansible-rulebook") for package in dependencies["python"])
    assert any(package.startswith("java-17-openjdk") for package in dependencies["system"])
