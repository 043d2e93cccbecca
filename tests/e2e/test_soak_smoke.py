"""One small seed of the soak test (`make soak`), so that the script cannot rot between soak runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

from conftest import COLLECTIONS, REPO


def test_one_seed_of_the_soak_converges_under_faults(tmp_path):
    figures = tmp_path / "soak.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRETO_", "ANSIBLE_"))}
    result = subprocess.run([sys.executable, os.path.join(REPO, "tests", "soak", "soak.py"), "--runs", "1", "--things", "30",
                             "--seed", "7", "--collections", COLLECTIONS, "--json", str(figures)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    totals = json.loads(figures.read_text())["totals"]
    assert (totals["runs"], totals["runs_ok"], totals["things_lost"], totals["duplicates"]) == (1, 1, 0, 0), totals
    assert totals["faults_injected"] > 0, totals
