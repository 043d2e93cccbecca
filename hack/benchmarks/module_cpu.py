#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller CPU that one module run costs besides the API, as docs/scaling.md quotes it.

Runs two playbooks against the simulator, with the collection installed by `make build`: one with a single task of
acreto_group_info and one with --tasks more, and prints the CPU time (user and system) of ansible-playbook and of
all its processes, per extra task. The simulator runs in another process, so its CPU is not counted.
Usage: python hack/benchmarks/module_cpu.py [--tasks 20] [--runs 3]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time

from acreto_sim.testing import SimulatorProcess

from run import COLLECTIONS, PASSWORD, USERNAME


def playbook(path, tasks):
    task = {"name": "Read the profile groups", "acreto.platform.acreto_group_info": {"ecosystem": "Lab Ecosystem"}}
    with open(path, "w") as out:
        json.dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [task] * tasks}], out)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(path, env):
    before = children_cpu()
    subprocess.run(["ansible-playbook", "-i", "localhost,", path], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return children_cpu() - before


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="acreto-cpu.")
    one, many = os.path.join(workdir, "one.json"), os.path.join(workdir, "many.json")
    playbook(one, 1)
    playbook(many, 1 + args.tasks)
    with SimulatorProcess(["--commit-seconds", "0"], password=PASSWORD, workdir=workdir) as sim:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ACRETO_ENDPOINT=sim.url + "/v2", ACRETO_USERNAME=USERNAME,
                   ACRETO_PASSWORD=PASSWORD, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"))
        per_task = [(cpu_of(many, env) - cpu_of(one, env)) / args.tasks for dummy in range(args.runs)]
    print("module_cpu: %s: %.2f s of controller CPU per acreto_group_info task (median of %d runs of %d extra tasks: %s); "
          "load average %.2f" % (time.strftime("%Y-%m-%d", time.gmtime()), statistics.median(per_task), args.runs, args.tasks,
                                 ", ".join("%.2f" % cpu for cpu in per_task), os.getloadavg()[0]))


if __name__ == "__main__":
    main()
