"""YAML that a document shows as the content of a file of the repository is that content."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from conftest import REPO
from plays import yaml_blocks

# (document, file it shows)
SHOWN = [("docs/scaling.md", "playbooks/inventory/hosts.yml")]


def test_shown_files_match_the_repository():
    for document, shown in SHOWN:
        with open(os.path.join(REPO, document), encoding="utf-8") as handle:
            blocks = [yaml.safe_load(block) for block in yaml_blocks(handle.read())]
        with open(os.path.join(REPO, shown), encoding="utf-8") as handle:
            content = yaml.safe_load(handle)
        assert content in blocks, "%s does not show %s as it is" % (document, shown)
