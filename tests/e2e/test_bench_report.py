"""docs/benchmarks.md states only figures of the run that wrote it.

files/bench_report_small.json is the report of a scaled-down `make bench`:
    python hack/benchmarks/run.py --n 20 --loop-n 2 --latency-loop-n 2 --rss-n 50 --inventory-n 100 --sweep-n 8 \
        --runs 1 --no-write --json tests/e2e/files/bench_report_small.json
The test renders it, then renders it again with every measured figure changed. A figure that is in both texts is
fixed text: it must be a setting of the run (its numbers of Things, its latency) or a target's threshold.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import copy
import json
import os
import re
import sys

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "hack", "benchmarks"))
import bench_report  # noqa: E402  pylint: disable=wrong-import-position

REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files", "bench_report_small.json")
# What the run was asked to do, not what it measured
SETTINGS = {"n", "loop_n", "latency_loop_n", "rss_n", "runs", "latency_ms", "sweep_n", "parallelism", "loop_c_before",
            "loop_form_n", "throttled_creates", "commit_seconds", "watch_interval_ms", "inventory_groups", "retry_after",
            "cores", "machine", "python", "ansible", "latency", "throttled", "label", "before", "ecosystems", "things"}
# The thresholds of the targets, the row numbers, issue 14, and HTTP 429
FIXED = {"0.2", "1.5", "1.05", "1.00", "20", "200", "2", "5", "1", "3", "4", "6", "7", "14", "429"}
FIGURE = re.compile(r"(?<![\w.\-])\d+(?:\.\d+)?(?![\w.])")


def load():
    with open(REPORT, encoding="utf-8") as handle:
        return json.load(handle)


def changed(value, key=None):
    """The report with every measured figure changed and every setting kept."""
    if key in SETTINGS or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return {k: changed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [changed(v, key) for v in value]
    if isinstance(value, int):
        return value * 3 + 7
    if isinstance(value, float):
        return value * 1.37 + 0.5
    if key == "date":
        return "1999-01-02"
    return value


def rendered(report):
    return bench_report.render(report, bench_report.targets(report))


def fixed_figures(before, after):
    """The figures that are the same in both texts, line by line; lines are paired by their text without figures."""
    paired = collections.defaultdict(list)
    for line in after.splitlines():
        paired[FIGURE.sub("N", line)].append(line)
    fixed = set()
    for line in before.splitlines():
        twins = paired.get(FIGURE.sub("N", line))
        if twins:
            twin = twins.pop(0)
            fixed |= {a for a, b in zip(FIGURE.findall(line), FIGURE.findall(twin)) if a == b}
    return fixed


def settings(report):
    found = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in SETTINGS and isinstance(value, (int, float)) and not isinstance(value, bool):
            found.add("%g" % value)
    walk(report)
    return found


def test_every_figure_of_the_text_comes_from_the_report():
    report = load()
    before, after = rendered(report), rendered(changed(copy.deepcopy(report)))
    assert before != after
    fixed = fixed_figures(before, after)
    unexplained = sorted(fixed - FIXED - settings(report), key=float)
    assert not unexplained, "fixed figures in docs/benchmarks.md: %s" % unexplained


def test_a_measured_figure_shows_in_the_text():
    report = load()
    report["lat_pool"]["wall"] = 98.7654
    assert "98.77 s" in rendered(report)


def test_a_missed_target_with_no_bound_fails_the_run_and_one_with_a_bound_does_not():
    report = load()
    missed_before = [r["target"] for r in bench_report.missed(bench_report.targets(report))]
    report["rss"]["rss_mib"] = 999
    missed = [r["target"] for r in bench_report.missed(bench_report.targets(report))]
    assert sorted(set(missed) - set(missed_before)) == ["row 4 under 200 MB"]
    report = load()
    report["inventory"].update(wall=9.0, cached_wall=6.0)
    results = bench_report.targets(report)
    row6 = next(r for r in results if r["target"].startswith("row 6") and "load" in r["target"])
    assert not row6["met"] and "takes 6.00 s; reading the API adds 3.00 s" in row6["bound"]
    assert row6 not in bench_report.missed(results)


def test_the_committed_page_has_what_the_report_code_writes_today():
    """docs/benchmarks.md has the sections and the targets of bench_report.py as it is, figures aside."""
    with open(os.path.join(REPO, "docs", "benchmarks.md"), encoding="utf-8") as handle:
        page = FIGURE.sub("N", handle.read())
    report = load()
    text = FIGURE.sub("N", rendered(report))
    assert [line for line in text.splitlines() if line.startswith("#")] == \
        [line for line in page.splitlines() if line.startswith("#")]
    for result in bench_report.targets(report):
        assert "| %s |" % FIGURE.sub("N", result["target"]) in page
