#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: the collection against its own simulator, on loopback and at 25 ms a request, compared with what
users do instead.

Runs the collection installed by `make build` into ./collections, prints a table, writes docs/benchmarks.md,
and exits 1 when a target is missed for a reason that the table does not explain. Options (defaults in brackets)
let a quick run use smaller numbers: --n [1000] Things for (a) and (b), on loopback and at latency; --loop-n [10]
and --latency-loop-n [50] Things for the loops (c) and (d), which run once; --rss-n [10000]; --inventory-n
[10000]; --sweep-n [64] Things for each figure of the parallelism sweep; --latency-ms [25]; --runs [3] runs of each
other figure, of which the median is reported; --no-write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests
from acreto_sim.testing import SimulatorProcess

# hack/benchmarks, the directory of this script, is first on sys.path
from bench_report import missed, render, targets, total_requests
from sweep import PARALLELISM_DEFAULT, RETRY_AFTER, THROTTLED_CREATES, sweep

PLAYBOOKS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(PLAYBOOKS))
COLLECTIONS = os.path.join(ROOT, "collections")
USERNAME = "someone@somedomain.com"
PASSWORD = "bench-password"
CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
ECOSYSTEM = "Lab Ecosystem"
ECOSYSTEM_UUID = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
CAMERAS = "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64"
COMMIT_SECONDS = 3
# how often row 5's watcher reads the ecosystem, in seconds
WATCH_INTERVAL = 0.005
# ecosystems of row 6, and the profile groups of each
INVENTORY_ECOSYSTEMS = 10
INVENTORY_GROUPS = 3
WRITES = ("POST", "PUT", "DELETE")


SWEEP_PARALLELISMS = (1, 4, 8, 16, 32)
SWEEP_LATENCIES = (0, 25, 100)
# The ways to call acreto_thing in a loop whose requests per item are counted: label, the requests per item before
# issue 14 (login, list of ecosystems, list of profile groups, list of Things, the write; no login with a token),
# and the playbook variables.
LOOP_FORMS = [
    ("customer, ecosystem and profile group by name; username and password", 5,
     dict(bench_loop_token=False, bench_loop_customer="Documentation", bench_loop_ecosystem=ECOSYSTEM, bench_loop_group="Cameras")),
    ("customer, ecosystem and profile group by uuid; username and password", 5,
     dict(bench_loop_token=False, bench_loop_ecosystem=ECOSYSTEM_UUID)),
    ("customer, ecosystem and profile group by uuid; a token", 4, dict(bench_loop_ecosystem=ECOSYSTEM_UUID)),
]
# (c) as make bench runs it: a token, the customer and the profile group by uuid, the ecosystem by name
LOOP_C_BEFORE = 4
# Things of each of those loops: their requests per item do not depend on it
LOOP_FORM_N = 2


def things(count, prefix="bench", group=CAMERAS):
    return [{"name": "%s-%05d" % (prefix, i), "profile_group": group, "category": "IoT", "asset_value": 1}
            for i in range(count)]


def run_group(command, **kwargs):
    """subprocess.call in a process group of its own, which is stopped as a whole when the benchmark is interrupted:
    ansible-playbook's workers outlive their parent otherwise."""
    process = subprocess.Popen(command, start_new_session=True, **kwargs)
    try:
        return process.wait()
    except BaseException:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        raise


def median(values):
    return statistics.median(values)


def medians(runs):
    """One run whose numbers are the medians of `runs` (request counts: those of the last run)."""
    merged = dict(runs[-1])
    for key, value in runs[-1].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = median([run[key] for run in runs])
    return merged


class Bench:
    username = USERNAME
    password = PASSWORD
    ecosystem = ECOSYSTEM

    def __init__(self, sim, workdir):
        self.sim = sim
        self.workdir = workdir
        self.endpoint = sim.url + "/v2"
        self.env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(PLAYBOOKS, "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="bench_times",
            ANSIBLE_REMOTE_TMP=os.path.join(workdir, "remote_tmp"),
            ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "local_tmp"),
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_NOCOLOR="1",
        )
        for name in ("ACRETO_ENDPOINT", "ACRETO_USERNAME", "ACRETO_PASSWORD", "ACRETO_TOKEN"):
            self.env.pop(name, None)

    # --- the simulator ---

    def reset(self, latency=0):
        """The seed data, commits that take no time, and `latency` ms on every API request."""
        self.sim.ctl("POST", "/reset").raise_for_status()
        self.sim.ctl("PATCH", "/config", json={"commit_seconds": 0, "latency_ms": latency}).raise_for_status()
        self.clear_log()

    def clear_log(self):
        self.sim.ctl("DELETE", "/requests").raise_for_status()

    def logged(self):
        response = self.sim.ctl("GET", "/requests")
        response.raise_for_status()
        counts = collections.Counter(entry["method"] for entry in response.json())
        # the writes, logins left out: a login changes nothing
        counts["writes"] = sum(1 for entry in response.json()
                               if entry["method"] in WRITES and not entry["path"].endswith("/auth/login"))
        return counts

    # --- running Ansible ---

    def playbook(self, name, extra=None, env=None):
        """Run hack/benchmarks/<name> (or a path); returns (wall seconds, {task name: seconds})."""
        variables = dict(bench_endpoint=self.endpoint, bench_sim_url=self.sim.url, bench_username=USERNAME,
                         bench_password=PASSWORD, bench_ecosystem=ECOSYSTEM, bench_ecosystem_uuid=ECOSYSTEM_UUID,
                         bench_customer_uuid=CUSTOMER)
        variables.update(extra or {})
        vars_file = os.path.join(self.workdir, "vars.json")
        times_file = os.path.join(self.workdir, "times.jsonl")
        log_file = os.path.join(self.workdir, "ansible.log")
        with open(vars_file, "w") as out:
            json.dump(variables, out)
        if os.path.exists(times_file):
            os.remove(times_file)
        path = name if os.path.isabs(name) else os.path.join(PLAYBOOKS, name)
        run_env = dict(self.env, BENCH_TIMES_FILE=times_file, **(env or {}))
        start = time.perf_counter()
        with open(log_file, "w") as log:
            code = run_group(["ansible-playbook", path, "-e", "@" + vars_file], stdout=log, stderr=subprocess.STDOUT,
                             env=run_env, cwd=self.workdir)
        wall = time.perf_counter() - start
        if code != 0:
            with open(log_file) as log:
                tail = log.read()[-3000:]
            raise SystemExit("bench: %s failed (exit %d):\n%s" % (os.path.basename(path), code, tail))
        tasks = {}
        with open(times_file) as handle:
            for line in handle:
                entry = json.loads(line)
                tasks[entry["task"]] = dict(entry, seconds=entry["end"] - entry["start"])
        return wall, tasks

    # --- the rows ---

    def quickstart(self, runs):
        env = dict(ACRETO_ENDPOINT=self.endpoint, ACRETO_USERNAME=USERNAME, ACRETO_PASSWORD=PASSWORD)
        path = os.path.join(ROOT, "playbooks", "quickstart.yml")
        first, second = [], []
        for dummy in range(runs):
            self.reset()
            wall, dummy_tasks = self.playbook(path, env=env)
            first.append(wall)
            first_counts = self.logged()
            self.clear_log()
            wall, dummy_tasks = self.playbook(path, env=env)
            second.append(wall)
            second_counts = self.logged()
        return dict(wall=median(first), counts=first_counts, again_wall=median(second), again_counts=second_counts)

    def raw(self, items, runs, threads=0, latency=0):
        """(a), or with threads (a'): the raw script, the median of `runs` runs."""
        things_file = os.path.join(self.workdir, "things.json")
        with open(things_file, "w") as out:
            json.dump(items, out)
        env = dict(os.environ, BENCH_ENDPOINT=self.endpoint, BENCH_USERNAME=USERNAME, BENCH_PASSWORD=PASSWORD,
                   BENCH_CUSTOMER_UUID=CUSTOMER, BENCH_ECOSYSTEM_UUID=ECOSYSTEM_UUID)
        walls = []
        for dummy in range(runs):
            self.reset(latency)
            start = time.perf_counter()
            subprocess.check_call([sys.executable, os.path.join(PLAYBOOKS, "raw_creates.py"), things_file, str(threads)], env=env)
            walls.append(time.perf_counter() - start)
            counts = self.logged()
        return dict(wall=median(walls), counts=counts)

    def bulk_once(self, items, parallelism=None, latency=0, again=False):
        """(b): one acreto_things run creating `items` on a fresh simulator, and with again=True the re-run (row 3)."""
        extra = dict(bench_things=items)
        if parallelism:
            extra["bench_parallelism"] = parallelism
        self.reset(latency)
        wall, times = self.playbook("things_bulk.yml", extra)
        run = dict(wall=wall, task=times["Create the Things in one module run"]["seconds"], counts=self.logged(),
                   result_bytes=times["Create the Things in one module run"].get("result_bytes"))
        if again:
            self.clear_log()
            wall, times = self.playbook("things_bulk.yml", extra)
            run.update(again_wall=wall, again_task=times["Create the Things in one module run"]["seconds"],
                       again_counts=self.logged())
        return run

    def bulk(self, items, runs, parallelism=None, latency=0, again=False, versus=None):
        """The medians of `runs` runs of bulk_once; with versus=P, each run is followed by one with parallelism P,
        so that both see the same load of the machine (returned as the second value)."""
        mine, theirs = [], []
        for dummy in range(runs):
            mine.append(self.bulk_once(items, parallelism, latency, again))
            if versus:
                theirs.append(self.bulk_once(items, versus, latency))
        return medians(mine), (medians(theirs) if versus else None)

    def loop(self, playbook, items, latency=0, extra=None):
        """A loop of one module run per Thing, once: its wall time and the requests of the loop's task alone."""
        self.reset(latency)
        variables = dict(bench_things=items, **(extra or {}))
        wall, times = self.playbook(playbook, variables)
        counts = self.logged()  # the playbook cleared the log just before the loop: the loop's requests alone
        return dict(wall=wall, task=times["Create each Thing in its own module run"]["seconds"], n=len(items), counts=counts,
                    per_item=total_requests(counts) / float(len(items)))

    def loop_requests(self, count):
        """Requests per item of a loop of acreto_thing, for each way of calling it in LOOP_FORMS."""
        measured = []
        for label, before, extra in LOOP_FORMS:
            extra = dict(extra)
            items = things(count, group=extra.pop("bench_loop_group", CAMERAS))
            measured.append(dict(label=label, before=before, per_item=self.loop("things_loop.yml", items, extra=extra)["per_item"]))
        return measured

    def empty_playbook(self, runs, items=None):
        """What one ansible-playbook run costs before any module runs: a play with one debug task, which reads the
        list of `items` Things when given, as (b) does."""
        path = os.path.join(self.workdir, "empty.yml")
        with open(path, "w") as out:
            out.write("- hosts: localhost\n  connection: local\n  gather_facts: false\n"
                      "  tasks:\n    - ansible.builtin.debug:\n        msg: \"{{ bench_things | default([]) | length }}\"\n")
        return median([self.playbook(path, None if items is None else dict(bench_things=items))[0] for dummy in range(runs)])

    def rss(self, items):
        """Peak RSS (MiB) of the acreto_things module process for `items`, and the wall time of that run."""
        self.reset()
        rss_file = os.path.join(self.workdir, "rss.txt")
        if os.path.exists(rss_file):
            os.remove(rss_file)
        interpreter = os.path.join(self.workdir, "rss-python")
        with open(interpreter, "w") as out:
            out.write('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, os.path.join(PLAYBOOKS, "rss_python.py")))
        os.chmod(interpreter, 0o755)
        wall, dummy_tasks = self.playbook("things_bulk.yml", dict(bench_things=items, ansible_python_interpreter=interpreter),
                                          env=dict(BENCH_REAL_PYTHON=sys.executable, BENCH_RSS_FILE=rss_file))
        with open(rss_file) as handle:
            peaks = [int(line) for line in handle if line.strip()]
        return dict(rss_mib=max(peaks) / 1024.0, wall=wall, counts=self.logged())

    def commit_wait(self, runs):
        """Seconds from the ecosystem turning ok to the acreto_commit task returning, with a 3 s commit."""
        token = self.sim.login(password=PASSWORD)
        eco_path = "/customers/%s/ecosystems/%s" % (CUSTOMER, ECOSYSTEM_UUID)
        lags = []
        for index in range(runs):
            self.reset()
            self.sim.ctl("PATCH", "/config", json={"commit_seconds": COMMIT_SECONDS}).raise_for_status()
            self.sim.api("POST", eco_path + "/devices", token=token,
                         json={"name": "commit-%d" % index, "profileGroup": CAMERAS}).raise_for_status()
            seen = {}
            stop = threading.Event()

            def watch():
                with requests.Session() as session:
                    while not stop.is_set():
                        status = session.get(self.endpoint + eco_path, headers={"Authorization": "Bearer " + token},
                                             timeout=5).json().get("status")
                        if status == "commit_in_progress":
                            seen["busy"] = True
                        elif status == "ok" and seen.get("busy") and "ok" not in seen:
                            seen["ok"] = time.time()
                        time.sleep(WATCH_INTERVAL)

            watcher = threading.Thread(target=watch)
            watcher.start()
            try:
                dummy_wall, tasks = self.playbook("commit.yml")
            finally:
                stop.set()
                watcher.join()
            if "ok" not in seen:
                raise SystemExit("bench: the watcher never saw the ecosystem turn ok after the commit")
            lags.append(tasks["Commit and wait"]["end"] - seen["ok"])
        self.reset()
        return median(lags)


def inventory_seed(ecosystems, per_ecosystem):
    """Seed data for the simulator: one customer with `ecosystems` ecosystems of `per_ecosystem` Things each."""
    made = []
    for eco in range(ecosystems):
        groups = [{"name": "Profile Group %d" % index, "uuid": str(uuid.uuid4())} for index in range(1, INVENTORY_GROUPS + 1)]
        devices = [{"uuid": str(uuid.uuid4()), "name": "thing-%05d" % index, "profileGroup": groups[index % INVENTORY_GROUPS]["uuid"],
                    "type": "device", "category": ("IoT", "Camera", "Printer")[index % 3], "assetValue": index % 6}
                   for index in range(per_ecosystem)]
        made.append({"uuid": str(uuid.uuid4()), "name": "Ecosystem %02d" % eco, "groups": groups, "devices": devices})
    return {"users": [{"uuid": "5fdb6311-d058-0c36-de65-eff41e0ca063", "username": USERNAME, "customers": [CUSTOMER]}],
            "customers": [{"uuid": CUSTOMER, "name": "Documentation", "ecosystems": made}]}


def inventory_load(workdir, ecosystems, per_ecosystem, runs):
    """Row 6: ansible-inventory with the inventory plugin over ecosystems x per_ecosystem Things, from the API and from
    its cache; a simulator of its own holds the Things."""
    seed = os.path.join(workdir, "inventory-seed.json")
    with open(seed, "w") as out:
        json.dump(inventory_seed(ecosystems, per_ecosystem), out)
    source = os.path.join(workdir, "bench.acreto.yml")
    with open(source, "w") as out:
        json.dump({"plugin": "acreto.platform.acreto", "keyed_groups": [{"key": "acreto_category", "prefix": "category"}],
                   "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
                   "cache_connection": os.path.join(workdir, "inventory-cache")}, out)
    sim_dir = os.path.join(workdir, "inventory-sim")
    os.makedirs(sim_dir, exist_ok=True)
    with SimulatorProcess(["--seed", seed, "--commit-seconds", "0"], password=PASSWORD, workdir=sim_dir) as sim:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ACRETO_ENDPOINT=sim.url + "/v2",
                   ACRETO_USERNAME=USERNAME, ACRETO_PASSWORD=PASSWORD, ANSIBLE_INVENTORY_UNPARSED_FAILED="true")

        def timed(*args):
            sim.ctl("DELETE", "/requests").raise_for_status()
            start = time.perf_counter()
            subprocess.run(["ansible-inventory", "-i", source, *args], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            return wall, collections.Counter(entry["method"] for entry in sim.ctl("GET", "/requests").json())

        loads = [timed("--graph", "--flush-cache") for dummy in range(runs)]
        cached = [timed("--graph")]  # no request: the figure varies only with ansible-inventory itself
        listed = timed("--list", "--flush-cache")
    return dict(things=ecosystems * per_ecosystem, ecosystems=ecosystems, wall=median([w for w, c in loads]), counts=loads[-1][1],
                cached_wall=median([w for w, c in cached]), cached_counts=cached[-1][1], list_wall=listed[0])


def versions():
    core = subprocess.check_output(["ansible", "--version"], text=True).splitlines()[0]
    return dict(cores=os.cpu_count(), python=platform.python_version(), ansible=core.strip(),
                machine="%s %s" % (platform.system(), platform.machine()))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--loop-n", type=int, default=10, help="Things of the loops (c) and (d) on loopback")
    parser.add_argument("--latency-loop-n", type=int, default=50, help="Things of the loops (c) and (d) at latency")
    parser.add_argument("--rss-n", type=int, default=10000)
    parser.add_argument("--inventory-n", type=int, default=10000, help="Things of row 6, in %d ecosystems" % INVENTORY_ECOSYSTEMS)
    parser.add_argument("--sweep-n", type=int, default=64, help="Things of each run of the parallelism sweep")
    parser.add_argument("--latency-ms", type=int, default=25, help="the latency of the rows 7")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--json", metavar="PATH", help="also write the run's report, every figure measured, as JSON to PATH")
    return parser.parse_args()


def rows(bench, args, workdir):
    """(key, label, measure) of every figure, in the order they run."""
    n, latency, runs = args.n, args.latency_ms, args.runs
    return [
        ("empty", "an empty playbook", lambda: bench.empty_playbook(runs)),
        ("empty_vars", "an empty playbook that reads the %d Things" % n, lambda: bench.empty_playbook(runs, things(n))),
        ("quickstart", "row 1: quick start, once", lambda: bench.quickstart(1)),
        ("raw", "row 2a: raw requests.Session, %d Things" % n, lambda: bench.raw(things(n), runs)),
        ("bulk", "rows 2b and 3: acreto_things, %d Things, each run followed by one with parallelism 1" % n,
         lambda: bench.bulk(things(n), runs, again=True, versus=1)),
        ("floor", "(a) and (b) with 0 Things: what a run costs before the first Thing",
         lambda: dict(raw=bench.raw([], runs)["wall"], bulk=bench.bulk([], runs)[0]["wall"])),
        ("rss", "row 4: acreto_things, %d Things, peak RSS" % args.rss_n, lambda: bench.rss(things(args.rss_n))),
        ("commit", "row 5: commit wait", lambda: bench.commit_wait(runs)),
        ("thing_loop", "row 2c: loop of acreto_thing, %d Things, once" % args.loop_n,
         lambda: bench.loop("things_loop.yml", things(args.loop_n))),
        ("uri_loop", "row 2d: loop of ansible.builtin.uri, %d Things, once" % args.loop_n,
         lambda: bench.loop("uri_loop.yml", things(args.loop_n))),
        ("loop_requests", "requests per item of loops of acreto_thing called in other ways, %d Things each" % LOOP_FORM_N,
         lambda: bench.loop_requests(LOOP_FORM_N)),
        ("inventory", "row 6: the inventory plugin, %d Things in %d ecosystems" % (args.inventory_n, INVENTORY_ECOSYSTEMS),
         lambda: inventory_load(workdir, INVENTORY_ECOSYSTEMS, args.inventory_n // INVENTORY_ECOSYSTEMS, runs)),
        ("lat_raw", "row 7a: raw requests.Session at %d ms, %d Things, once" % (latency, n),
         lambda: bench.raw(things(n), 1, latency=latency)),
        ("lat_pool", "row 7a': raw script, %d threads, at %d ms, %d Things" % (PARALLELISM_DEFAULT, latency, n),
         lambda: bench.raw(things(n), runs, threads=PARALLELISM_DEFAULT, latency=latency)),
        ("lat_bulk", "row 7b: acreto_things at %d ms, %d Things" % (latency, n),
         lambda: bench.bulk(things(n), runs, latency=latency)[0]),
        ("lat_floor", "rows 7a' and 7b with 0 Things at %d ms" % latency,
         lambda: dict(raw=bench.raw([], runs, latency=latency)["wall"], bulk=bench.bulk([], runs, latency=latency)[0]["wall"])),
        ("lat_thing_loop", "row 7c: loop of acreto_thing at %d ms, %d Things, once" % (latency, args.latency_loop_n),
         lambda: bench.loop("things_loop.yml", things(args.latency_loop_n), latency=latency)),
        ("lat_uri_loop", "row 7d: loop of ansible.builtin.uri at %d ms, %d Things, once" % (latency, args.latency_loop_n),
         lambda: bench.loop("uri_loop.yml", things(args.latency_loop_n), latency=latency)),
        ("sweep", "the parallelism sweep: %d Things a run" % args.sweep_n,
         lambda: sweep(bench, things(args.sweep_n, prefix="sweep"), SWEEP_LATENCIES,
                       sorted(set(SWEEP_PARALLELISMS) | {PARALLELISM_DEFAULT}), latency)),
    ]


def main():
    args = parse_args()
    if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform")):
        raise SystemExit("bench: run `make build` first (the collection is not installed in ./collections)")
    workdir = tempfile.mkdtemp(prefix="acreto-bench.")
    started = time.time()
    report = dict(versions(), n=args.n, loop_n=args.loop_n, latency_loop_n=args.latency_loop_n, rss_n=args.rss_n,
                  runs=args.runs, latency_ms=args.latency_ms, sweep_n=args.sweep_n, parallelism=PARALLELISM_DEFAULT,
                  loop_c_before=LOOP_C_BEFORE, loop_form_n=LOOP_FORM_N, throttled_creates=THROTTLED_CREATES,
                  commit_seconds=COMMIT_SECONDS, watch_interval_ms=WATCH_INTERVAL * 1000, inventory_groups=INVENTORY_GROUPS,
                  retry_after=RETRY_AFTER, load_start=os.getloadavg(), date=time.strftime("%Y-%m-%d", time.gmtime()))
    try:
        with SimulatorProcess(["--commit-seconds", "0"], password=PASSWORD, workdir=workdir) as sim:
            bench = Bench(sim, workdir)
            for key, label, measure in rows(bench, args, workdir):
                print("bench: %s (%.0f s so far, load %.2f)" % (label, time.time() - started, os.getloadavg()[0]), flush=True)
                value = measure()
                if isinstance(value, tuple):  # a figure and the one measured beside it: rows 2b and 2b with parallelism 1
                    value, report[key + "_serial"] = value
                report[key] = value
                print("bench:   %s" % json.dumps(value, sort_keys=True, default=str), flush=True)
            report["total"] = time.time() - started
            report["load_end"] = os.getloadavg()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1, sort_keys=True, default=str)
    results = targets(report)
    text = render(report, results)
    print(text)
    if not args.no_write:
        with open(os.path.join(ROOT, "docs", "benchmarks.md"), "w") as out:
            out.write(text)
        print("bench: wrote docs/benchmarks.md")
    failed = missed(results)
    if failed:
        print("bench: %d target(s) missed: %s" % (len(failed), "; ".join(r["target"] for r in failed)), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
