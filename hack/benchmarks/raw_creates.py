# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""(a) and (a') of make bench: the API's own cost. requests logs in, then POSTs each Thing: one by one on one
keep-alive session (a), or from a pool of THREADS threads, each with a keep-alive session of its own (a').

    python raw_creates.py THINGS_JSON [THREADS]   (environment: BENCH_ENDPOINT, BENCH_USERNAME, BENCH_PASSWORD,
                                                   BENCH_CUSTOMER_UUID, BENCH_ECOSYSTEM_UUID)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests


def main():
    env = os.environ
    with open(sys.argv[1]) as handle:
        things = json.load(handle)
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    endpoint = env["BENCH_ENDPOINT"]
    devices = "%s/customers/%s/ecosystems/%s/devices" % (endpoint, env["BENCH_CUSTOMER_UUID"], env["BENCH_ECOSYSTEM_UUID"])
    login = requests.post(endpoint + "/auth/login", json={"username": env["BENCH_USERNAME"], "password": env["BENCH_PASSWORD"]})
    login.raise_for_status()
    headers = {"Authorization": "Bearer " + login.json()["accessToken"]}
    local = threading.local()

    def create(thing):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.headers.update(headers)
        body = {"name": thing["name"], "profileGroup": thing["profile_group"], "type": "device",
                "category": thing["category"], "assetValue": thing["asset_value"]}
        session.post(devices, json=body).raise_for_status()

    if threads:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(create, things))
    else:
        for thing in things:
            create(thing)


if __name__ == "__main__":
    main()
