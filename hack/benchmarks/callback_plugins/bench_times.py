# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the start and end time of each task to $BENCH_TIMES_FILE, one JSON object a line (for hack/benchmarks/run.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_times
type: aggregate
short_description: Record task times for the benchmark harness
description:
  - Appends C({"task", "start", "end", "result_bytes"}) for each task to the file named by E(BENCH_TIMES_FILE);
    C(result_bytes) is the size of the task's result as JSON.
requirements:
  - enabled in the benchmark's environment
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._start = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start[task._uuid] = time.time()

    def _done(self, result, **kwargs):
        path = os.environ.get("BENCH_TIMES_FILE")
        task = result._task
        if path:
            with open(path, "a") as out:
                end = time.time()
                size = len(json.dumps(result._result, default=str))
                out.write(json.dumps({"task": task.get_name(), "start": self._start.get(task._uuid), "end": end,
                                      "result_bytes": size}) + "\n")

    v2_runner_on_ok = _done
    v2_runner_on_failed = _done
    v2_runner_on_skipped = _done
