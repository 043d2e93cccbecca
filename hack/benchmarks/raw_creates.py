# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""(a) of make bench: the API's own cost. One requests.Session logs in and POSTs each Thing, one by one.

    python raw_creates.py THINGS_JSON   (environment: BENCH_ENDPOINT, BENCH_USERNAME, BENCH_PASSWORD,
                                         BENCH_CUSTOMER_UUID, BENCH_ECOSYSTEM_UUID)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import requests


def main():
    env = os.environ
    with open(sys.argv[1]) as handle:
        things = json.load(handle)
    endpoint = env["BENCH_ENDPOINT"]
    devices = "%s/customers/%s/ecosystems/%s/devices" % (endpoint, env["BENCH_CUSTOMER_UUID"], env["BENCH_ECOSYSTEM_UUID"])
    with requests.Session() as session:
        login = session.post(endpoint + "/auth/login", json={"username": env["BENCH_USERNAME"], "password": env["BENCH_PASSWORD"]})
        login.raise_for_status()
        session.headers["Authorization"] = "Bearer " + login.json()["accessToken"]
        for thing in things:
            body = {"name": thing["name"], "profileGroup": thing["profile_group"], "type": "device",
                    "category": thing["category"], "assetValue": thing["asset_value"]}
            session.post(devices, json=body).raise_for_status()


if __name__ == "__main__":
    main()
