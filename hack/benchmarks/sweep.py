# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parallelism sweep of make bench: acreto_things' engine alone, at several latencies and parallelisms.

Each figure is the time that the writes of one run of the module's own BulkEngine take (the code of acreto_things
without Ansible around it: the client and the writes on the throttled pool) to create the same Things, as the
collection installed in ./collections has it. What comes before the writes (Ansible, the login, the lists) does not
depend on the parallelism, so it is left out here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "collections"))

# pylint: disable=wrong-import-position
from ansible_collections.acreto.platform.plugins.module_utils._bulk import PARALLELISM_DEFAULT, BulkEngine  # noqa: E402
from ansible_collections.acreto.platform.plugins.module_utils._client import AcretoClient  # noqa: E402
from ansible_collections.acreto.platform.plugins.module_utils._scope import AcretoScope  # noqa: E402
from ansible_collections.acreto.platform.plugins.module_utils._thing import Thing  # noqa: E402

# The first creates that reach the API are answered 429 with Retry-After: 1, as a rate limit answers the start of a
# burst: the same 429s for every parallelism (fewer than the client's 5 retries, which parallelism 1 spends on one create).
THROTTLED_CREATES = 2
RETRY_AFTER = 1
THROTTLING = {"method": "POST", "path": "/devices$", "status": 429, "retry_after": RETRY_AFTER, "count": THROTTLED_CREATES}


def engine_run(endpoint, username, password, ecosystem, items, parallelism):
    """Seconds that the writes of one BulkEngine run take to create `items` (the login and the lists before them do not
    depend on the parallelism), the run's summary, and the 429s it was answered."""
    client = AcretoClient(endpoint, username=username, password=password, pool_maxsize=max(10, parallelism))
    with client:
        scope = AcretoScope(client, username=username, ecosystem=ecosystem)
        engine = BulkEngine(scope, Thing, parallelism)
        writes = {}
        apply = engine.apply

        def timed_apply(steps):
            started = time.perf_counter()
            apply(steps)
            writes["seconds"] = time.perf_counter() - started

        engine.apply = timed_apply
        result = engine.run("merged", [dict(item) for item in items])
        return writes["seconds"], result["summary"], client.throttled


def sweep(bench, items, latencies, parallelisms, throttled_latency):
    """[{latency, throttled, parallelism, seconds, answered_429}], each from one engine run on a freshly reset simulator;
    throttled: the first THROTTLED_CREATES creates answered 429 (THROTTLING), at throttled_latency."""
    figures = []
    cases = [(latency, False) for latency in latencies] + [(throttled_latency, True)]
    for latency, throttled in cases:
        for parallelism in parallelisms:
            bench.reset(latency)
            if throttled:
                bench.sim.ctl("POST", "/faults", json=THROTTLING).raise_for_status()
            seconds, summary, answered_429 = engine_run(bench.endpoint, bench.username, bench.password, bench.ecosystem,
                                                        items, parallelism)
            if summary["created"] != len(items) or summary["failed"]:
                raise SystemExit("bench: the sweep's run at %d ms, parallelism %d, did not create every Thing: %r"
                                 % (latency, parallelism, summary))
            figures.append(dict(latency=latency, throttled=throttled, parallelism=parallelism, seconds=seconds,
                                answered_429=answered_429))
    bench.reset()
    return figures


__all__ = ["PARALLELISM_DEFAULT", "RETRY_AFTER", "THROTTLED_CREATES", "sweep"]
