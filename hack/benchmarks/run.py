#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: the collection against its own simulator (commit time 0), compared with what users do instead.

Runs the collection installed by `make build` into ./collections, prints a table, writes docs/benchmarks.md,
and exits 1 when a target is missed. Options (defaults in brackets) let a quick run use smaller numbers:
--n [1000] Things for (a) and (b); --loop-n [1000] Things for the loops (c) and (d), which run once;
--rss-n [10000]; --runs [3] runs of each other figure, of which the median is reported; --no-write.
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
from bench_report import missed, render, targets

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
WRITES = ("POST", "PUT", "DELETE")


def things(count, prefix="bench"):
    return [{"name": "%s-%05d" % (prefix, i), "profile_group": CAMERAS, "category": "IoT", "asset_value": 1}
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


class Bench:
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

    def reset(self):
        self.sim.ctl("POST", "/reset").raise_for_status()
        self.sim.ctl("PATCH", "/config", json={"commit_seconds": 0}).raise_for_status()
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
        variables = dict(bench_endpoint=self.endpoint, bench_username=USERNAME, bench_password=PASSWORD,
                         bench_ecosystem=ECOSYSTEM, bench_ecosystem_uuid=ECOSYSTEM_UUID, bench_customer_uuid=CUSTOMER)
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
                tasks[entry["task"]] = {"start": entry["start"], "end": entry["end"], "seconds": entry["end"] - entry["start"]}
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

    def raw(self, items, runs):
        things_file = os.path.join(self.workdir, "things.json")
        with open(things_file, "w") as out:
            json.dump(items, out)
        env = dict(os.environ, BENCH_ENDPOINT=self.endpoint, BENCH_USERNAME=USERNAME, BENCH_PASSWORD=PASSWORD,
                   BENCH_CUSTOMER_UUID=CUSTOMER, BENCH_ECOSYSTEM_UUID=ECOSYSTEM_UUID)
        walls = []
        for dummy in range(runs):
            self.reset()
            start = time.perf_counter()
            subprocess.check_call([sys.executable, os.path.join(PLAYBOOKS, "raw_creates.py"), things_file], env=env)
            walls.append(time.perf_counter() - start)
            counts = self.logged()
        return dict(wall=median(walls), counts=counts)

    def bulk(self, items, runs, parallelism=None):
        walls, tasks, again_walls, again_tasks = [], [], [], []
        extra = dict(bench_things=items)
        if parallelism:
            extra["bench_parallelism"] = parallelism
        for dummy in range(runs):
            self.reset()
            wall, times = self.playbook("things_bulk.yml", extra)
            walls.append(wall)
            tasks.append(times["Create the Things in one module run"]["seconds"])
            counts = self.logged()
            self.clear_log()
            wall, times = self.playbook("things_bulk.yml", extra)
            again_walls.append(wall)
            again_tasks.append(times["Create the Things in one module run"]["seconds"])
            again_counts = self.logged()
        return dict(wall=median(walls), task=median(tasks), counts=counts,
                    again_wall=median(again_walls), again_task=median(again_tasks), again_counts=again_counts)

    def loop(self, playbook, items):
        self.reset()
        wall, dummy_tasks = self.playbook(playbook, dict(bench_things=items))
        return dict(wall=wall, counts=self.logged())

    def empty_playbook(self, runs):
        """What one ansible-playbook run costs before any module runs: a play with one debug task."""
        path = os.path.join(self.workdir, "empty.yml")
        with open(path, "w") as out:
            out.write("- hosts: localhost\n  connection: local\n  gather_facts: false\n"
                      "  tasks:\n    - ansible.builtin.debug:\n        msg: hello\n")
        return median([self.playbook(path)[0] for dummy in range(runs)])

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
                        time.sleep(0.005)

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
        groups = [{"name": "Profile Group %d" % index, "uuid": str(uuid.uuid4())} for index in range(1, 4)]
        devices = [{"uuid": str(uuid.uuid4()), "name": "thing-%05d" % index, "profileGroup": groups[index % 3]["uuid"],
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
        cached = [timed("--graph") for dummy in range(runs)]
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
    parser.add_argument("--loop-n", type=int, default=1000)
    parser.add_argument("--rss-n", type=int, default=10000)
    parser.add_argument("--inventory-n", type=int, default=10000, help="Things of row 6, in 10 ecosystems")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    return parser.parse_args()


def main():
    args = parse_args()
    if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform")):
        raise SystemExit("bench: run `make build` first (the collection is not installed in ./collections)")
    workdir = tempfile.mkdtemp(prefix="acreto-bench.")
    started = time.time()
    try:
        with SimulatorProcess(["--commit-seconds", "0"], password=PASSWORD, workdir=workdir) as sim:
            bench = Bench(sim, workdir)
            report = dict(versions(), n=args.n, loop_n=args.loop_n, rss_n=args.rss_n, runs=args.runs)
            rows = [
                ("empty", "an empty playbook", lambda: bench.empty_playbook(args.runs)),
                ("quickstart", "row 1: quick start", lambda: bench.quickstart(args.runs)),
                ("raw", "row 2a: raw requests.Session, %d Things" % args.n, lambda: bench.raw(things(args.n), args.runs)),
                ("bulk", "rows 2b and 3: acreto_things, %d Things" % args.n, lambda: bench.bulk(things(args.n), args.runs)),
                ("floor", "(a) and (b) with 0 Things: what a run costs before the first Thing",
                 lambda: dict(raw=bench.raw([], args.runs)["wall"], bulk=bench.bulk([], args.runs)["wall"])),
                ("bulk_serial", "row 2b again with parallelism 1", lambda: bench.bulk(things(args.n), args.runs, 1)),
                ("rss", "row 4: acreto_things, %d Things, peak RSS" % args.rss_n, lambda: bench.rss(things(args.rss_n))),
                ("commit", "row 5: commit wait", lambda: bench.commit_wait(args.runs)),
                ("thing_loop", "row 2c: loop of acreto_thing, %d Things, once" % args.loop_n,
                 lambda: bench.loop("things_loop.yml", things(args.loop_n))),
                ("uri_loop", "row 2d: loop of ansible.builtin.uri, %d Things, once" % args.loop_n,
                 lambda: bench.loop("uri_loop.yml", things(args.loop_n))),
                ("inventory", "row 6: the inventory plugin, %d Things in 10 ecosystems" % args.inventory_n,
                 lambda: inventory_load(workdir, 10, args.inventory_n // 10, args.runs)),
            ]
            for key, label, measure in rows:
                print("bench: %s (%.0f s so far)" % (label, time.time() - started), flush=True)
                report[key] = measure()
                print("bench:   %s" % json.dumps(report[key], sort_keys=True), flush=True)
            report["total"] = time.time() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
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
