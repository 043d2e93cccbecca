"""What ansible-doc shows for the collection's modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import yaml

from conftest import COLLECTIONS, REPO


def modules():
    with open(os.path.join(REPO, "meta", "runtime.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["action_groups"]["acreto"]


def ansible_doc(*names):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    result = subprocess.run(["ansible-doc", "-j", *names], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_module_lists_python_and_requests_in_its_requirements():
    names = ["acreto.platform." + module for module in modules()]
    docs = ansible_doc(*names)
    for name in names:
        requirements = " ".join(docs[name]["doc"].get("requirements") or [])
        assert "requests" in requirements and "urllib3" in requirements and "Python 3.10" in requirements, (name, requirements)


def test_the_lower_bounds_in_the_docs_are_those_of_requirements_txt():
    with open(os.path.join(REPO, "requirements.txt"), encoding="utf-8") as handle:
        bounds = dict(line.split(">=") for line in handle.read().split() if ">=" in line)
    requirements = " ".join(ansible_doc("acreto.platform.acreto_thing")["acreto.platform.acreto_thing"]["doc"]["requirements"])
    assert "C(requests) %s or newer" % bounds["requests"] in requirements, (bounds, requirements)
    if "urllib3" in bounds:
        assert "C(urllib3) %s or newer" % bounds["urllib3"] in requirements, (bounds, requirements)


def test_the_execution_environment_pins_this_release_of_the_collection():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    with open(os.path.join(REPO, "docs", "execution-environment.yml"), encoding="utf-8") as handle:
        collections = yaml.safe_load(handle)["dependencies"]["galaxy"]["collections"]
    assert {"name": "acreto.platform", "version": "==" + version} in collections
