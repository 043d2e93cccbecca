"""Every example and playbook gives the connection through module_defaults or the environment, never task by task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import yaml

from jobs import REPO, _Loader
from plays import examples_of, yaml_blocks

CONNECTION_OPTIONS = {"endpoint", "username", "password", "token", "validate_certs", "ca_path", "timeout"}


def sources():
    """(label, YAML text) of every playbook, role file, scenario, Markdown YAML block and module EXAMPLES."""
    for pattern in ("playbooks/**/*.yml", "roles/**/*.yml", "extensions/**/*.yml"):
        for path in glob.glob(os.path.join(REPO, pattern), recursive=True):
            with open(path, encoding="utf-8") as handle:
                yield os.path.relpath(path, REPO), handle.read()
    for path in [os.path.join(REPO, "README.md")] + glob.glob(os.path.join(REPO, "docs", "*.md")) + \
            glob.glob(os.path.join(REPO, "roles", "*", "README.md")):
        with open(path, encoding="utf-8") as handle:
            for number, block in enumerate(yaml_blocks(handle.read())):
                yield "%s (YAML block %d)" % (os.path.relpath(path, REPO), number + 1), block
    for path in glob.glob(os.path.join(REPO, "plugins", "modules", "*.py")):
        yield "%s EXAMPLES" % os.path.relpath(path, REPO), examples_of(path)


def module_calls(data):
    """(module, options) of every acreto.platform module call in a YAML document."""
    if isinstance(data, dict):
        for name, value in data.items():
            if isinstance(name, str) and name.startswith("acreto.platform.acreto_") and name.count(".") == 2:
                yield name, value if isinstance(value, dict) else {}
            else:
                yield from module_calls(value)
    elif isinstance(data, list):
        for item in data:
            yield from module_calls(item)


def test_no_task_repeats_the_connection_options():
    calls = 0
    offenders = []
    for label, text in sources():
        for module, options in module_calls(yaml.load(text, Loader=_Loader)):  # noqa: S506 - a SafeLoader subclass
            calls += 1
            repeated = sorted(CONNECTION_OPTIONS & set(options))
            if repeated:
                offenders.append("%s: %s with %s" % (label, module, ", ".join(repeated)))
    assert offenders == []
    assert calls > 30  # the search found the module calls it is meant to check
