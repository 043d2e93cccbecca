#!/usr/bin/env python3
"""Measure how many simple GET requests per second the simulator serves on loopback.

Without --url it starts its own simulator on a free port and stops it at the end.
Every run is bounded by --requests and --seconds, and only loopback addresses are accepted.

    python simulator/scripts/bench.py                 # own simulator, 20000 GETs at most, 30 s at most
    python simulator/scripts/bench.py --url http://127.0.0.1:8080 --password secret
"""

import argparse
import http.client
import ipaddress
import multiprocessing
import os
import secrets
import subprocess
import sys
import time
import urllib.parse

import requests

USERNAME = "someone@somedomain.com"


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_simulator(password: str):
    proc = subprocess.Popen(
        [sys.executable, "-m", "acreto_sim", "--host", "127.0.0.1", "--port", "0", "--password", password,
         "--commit-seconds", "0"],
        stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("http"):
        proc.kill()
        raise SystemExit("bench: the simulator did not start (exit %s)" % proc.wait())
    return proc, line


def worker(args):
    client, url, token, count, deadline = args
    done = errors = 0
    if client == "requests":
        session = requests.Session()
        session.headers["Authorization"] = "Bearer " + token
        while done < count and time.monotonic() < deadline:
            done += 1
            errors += session.get(url, timeout=10).status_code != 200
        return done, errors
    # plain http.client on one keep-alive connection: the least client CPU, so more of it for the server
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=10)
    headers = {"Authorization": "Bearer " + token}
    while done < count and time.monotonic() < deadline:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        response.read()
        done += 1
        errors += response.status != 200
    connection.close()
    return done, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="base URL of a running simulator (loopback only); default: start one")
    parser.add_argument("--password", default=os.environ.get("ACRETO_SIM_PASSWORD"),
                        help="password of %s when --url is given" % USERNAME)
    parser.add_argument("--requests", type=int, default=20000, help="total GET requests (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=30.0, help="stop after this long (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (default: %(default)s)")
    parser.add_argument("--client", choices=("http.client", "requests"), default="http.client",
                        help="HTTP library of the clients (default: %(default)s; requests costs more client CPU, "
                        "which the server then lacks on a small machine)")
    args = parser.parse_args()
    if args.requests < 1 or args.seconds <= 0 or not 1 <= args.clients <= 16:
        parser.error("--requests and --seconds must be positive, --clients between 1 and 16")

    proc = None
    if args.url:
        if not is_loopback(args.url):
            parser.error("only loopback addresses (127.0.0.0/8, ::1, localhost) may be benchmarked")
        if not args.password:
            parser.error("--password (or ACRETO_SIM_PASSWORD) is needed with --url")
        base, password = args.url.rstrip("/"), args.password
    else:
        password = secrets.token_urlsafe(12)
        proc, base = start_simulator(password)
    try:
        login = requests.post(base + "/v2/auth/login", json={"username": USERNAME, "password": password}, timeout=10)
        login.raise_for_status()
        token = login.json()["accessToken"]
        customer = login.json()["customers"][0]["uuid"]
        headers = {"Authorization": "Bearer " + token}
        ecosystems = requests.get("%s/v2/customers/%s/ecosystems" % (base, customer), headers=headers, timeout=10)
        ecosystems.raise_for_status()
        path = "/v2/customers/%s/ecosystems/%s" % (customer, ecosystems.json()[0]["uuid"])
        url = base + path

        worker((args.client, url, token, 200, time.monotonic() + 5))  # warm-up
        share = -(-args.requests // args.clients)
        started = time.monotonic()
        deadline = started + args.seconds
        jobs = [(args.client, url, token, share, deadline)] * args.clients
        with multiprocessing.Pool(args.clients) as pool:
            results = pool.map(worker, jobs)
        elapsed = time.monotonic() - started
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)

    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    rate = done / elapsed
    print("GET %s: %d requests in %.2f s with %d %s client processes, %d errors: %.0f requests/second"
          % (path, done, elapsed, args.clients, args.client, errors, rate))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
