"""Soak test: the things role converges 200 Things while the simulator injects faults.

Every run starts from a different, seeded starting point (some Things already there, some with fields that
drifted, some to remove), injects 503 and 429 answers into 20% of the API requests and drops 5% of the
connections (half of them after the request was applied), and runs the role with ansible-playbook. At that
rate one request in about four thousand runs out of its 5 retries; the run then fails, naming that request and
its last answer, and is run again under the same faults (at most twice), as a user would rerun a failed job.
Any other failure fails the seed. Then, without faults, it checks that the ecosystem holds exactly the wanted
Things (none missing, none duplicated, no field lost), that it is back to `ok`, and that a second run of the
role writes nothing.

    python tests/soak/soak.py [--runs 10] [--things 200] [--seed 1] [--json figures.json]

It needs the collection installed (`make build` puts it into ./collections) and the simulator package
(acreto_sim, installed into .venv by `make venv`). It exits non-zero when any run fails a check.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

from acreto_sim.testing import USERNAME, SimulatorProcess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "soak-Pa55word"
CUSTOMER = "6741632b-b337-4cd0-3cbc-e900e2c77fa3"
ECOSYSTEM = "Lab Ecosystem"
ECOSYSTEM_UUID = "7b0c3d52-1f7e-4c52-9a0e-5d3f0e6b2a11"
GROUPS = {"Profile Group 1": "3c1e5f0a-8d2b-4e6f-a1b7-2f9c0d4e8a55", "Cameras": "9a4d2c71-0e3b-4f58-b6a2-7c1d9e0f3b64"}
DEVICES = "/customers/%s/ecosystems/%s/devices" % (CUSTOMER, ECOSYSTEM_UUID)
ZERO_EXPIRY = {"time": "0001-01-01T00:00:00.000Z", "type": ""}

# Checked in this order, each with its own probability, so that of all API requests about 2.5% are dropped
# before they are processed, 2.5% are processed and then dropped, 10% get 503 and 10% get 429.
FAULTS = [
    ("drop-before", {"drop": True}, 0.025),
    ("drop-after", {"drop": True, "after": True}, 0.025),
    ("503", {"status": 503}, 0.10),
    ("429", {"status": 429, "retry_after": 1}, 0.10),
]

PLAYBOOK = """
- name: Soak
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: acreto.platform.things
"""


def fault_specs():
    """The faults as the simulator takes them; each probability is conditional on the earlier faults not firing."""
    specs, left = [], 1.0
    for name, fault, share in FAULTS:
        specs.append((name, dict(fault, path="^/v2/", probability=round(share / left, 6))))
        left -= share
    return specs


def api_thing(item):
    """The Thing as the API stores it, for an item of acreto_things."""
    return {"name": item["name"], "type": item.get("type", "device"), "category": item.get("category", ""),
            "assetValue": item.get("asset_value", 0), "profileGroup": GROUPS[item["profile_group"]],
            "expiry": item.get("expiry", ZERO_EXPIRY)}


def plan(rng, count):
    """(wanted items for the role, Things to seed before the run) for one run."""
    wanted, seed = [], []
    for index in range(count):
        item = {"name": "soak-%03d" % index, "profile_group": rng.choice(sorted(GROUPS)),
                "category": rng.choice(["IoT", "Camera", "Printer", "Sensor"]), "asset_value": rng.randint(0, 9)}
        if rng.random() < 0.5:
            item["type"] = rng.choice(["device", "camera", "laptop"])
        if rng.random() < 0.3:
            day = (rng.randint(30, 40), rng.randint(1, 12), rng.randint(1, 28))
            item["expiry"] = {"time": "20%02d-%02d-%02dT12:00:00.000Z" % day, "type": "date"}
        wanted.append(item)
        roll = rng.random()
        if roll < 0.2:
            seed.append(api_thing(item))  # already as wanted
        elif roll < 0.45:
            drifted = api_thing(item)  # there, with a field that drifted
            drifted["assetValue"] = drifted["assetValue"] + 10
            drifted["category"] = "drifted"
            seed.append(drifted)
    for index in range(count // 10):
        name = "soak-old-%02d" % index  # there, and to be removed
        seed.append(api_thing({"name": name, "profile_group": rng.choice(sorted(GROUPS))}))
        wanted.append({"name": name, "state": "absent"})
    rng.shuffle(wanted)
    return wanted, seed


# A run that failed honestly is run again at most this often, under the same faults.
MAX_RERUNS = 2
# The only failure a run may end in: a request whose retries ran out, named with its last answer.
HONEST = re.compile(r"(?:returned (?:429|502|503|504) after \d+ retries|returned no response after \d+ retries)")


def honest_failure(proc):
    """The first line that says which request ran out of retries, when that is why the run failed; else None."""
    text = proc.stdout + proc.stderr
    if "Traceback" in text or "deserialization failed" in text:
        return None
    found = HONEST.search(text)
    return text[text.rfind("\n", 0, found.start()) + 1:text.find("\n", found.end())][:300] if found else None


def call(sim, method, path, expected=200, **kwargs):
    if path.startswith("/_sim/"):  # through ctl, which sends the JSON content type that the control API requires
        response = sim.ctl(method, path[len("/_sim"):], **kwargs)
    else:
        response = sim.request(method, path, **kwargs)
    if response.status_code != expected:
        raise RuntimeError("%s %s returned %d: %s" % (method, path, response.status_code, response.text[:200]))
    return response.json() if response.text.strip() else None


def wait_ok(sim, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        status = call(sim, "GET", "/v2/customers/%s/ecosystems/%s" % (CUSTOMER, ECOSYSTEM_UUID))["status"]
        if status == "ok" or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def prepare(sim, seed_things):
    call(sim, "POST", "/_sim/reset", token="")
    sim.token = sim.login()
    for thing in seed_things:
        call(sim, "POST", "/v2" + DEVICES, expected=201, json=thing)
    if seed_things:
        call(sim, "POST", "/v2/customers/%s/ecosystems/%s/commits" % (CUSTOMER, ECOSYSTEM_UUID), expected=204)
    if wait_ok(sim) != "ok":
        raise RuntimeError("the seeded ecosystem did not get back to ok")
    call(sim, "DELETE", "/_sim/requests", token="")


def run_role(workdir, env, wanted, name, foreign_pending="fail"):
    variables = os.path.join(workdir, name + "-vars.json")
    with open(variables, "w", encoding="utf-8") as handle:
        json.dump({"acreto_ecosystem": ECOSYSTEM, "acreto_things": wanted, "acreto_commit_wait_timeout": 300,
                   "acreto_foreign_pending": foreign_pending}, handle)
    playbook = os.path.join(workdir, "soak.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        handle.write(PLAYBOOK)
    started = time.monotonic()
    proc = subprocess.run(["ansible-playbook", "-i", "localhost,", playbook, "-e", "@" + variables], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    return proc, time.monotonic() - started


def check(sim, wanted):
    """Compare the ecosystem with the wanted Things: (missing, duplicated, fields lost, unwanted) lists."""
    sim.token = sim.login()
    things = call(sim, "GET", "/v2" + DEVICES)
    by_name = {}
    for thing in things:
        by_name.setdefault(thing["name"], []).append(thing)
    missing, duplicated, fields_lost = [], [], []
    present = [item for item in wanted if item.get("state") != "absent"]
    for item in present:
        found = by_name.get(item["name"], [])
        if not found:
            missing.append(item["name"])
            continue
        if len(found) > 1:
            duplicated.append(item["name"])
        expected = api_thing(item)
        got = {key: found[0].get(key) for key in expected}
        if got != expected:
            fields_lost.append({"name": item["name"], "expected": expected, "got": got})
    wanted_names = {item["name"] for item in present}
    unwanted = sorted(name for name in by_name if name not in wanted_names)
    return missing, duplicated, fields_lost, unwanted


def soak_run(sim, env, workdir, seed, count):
    rng = random.Random(seed)
    wanted, seed_things = plan(rng, count)
    prepare(sim, seed_things)
    faults = {}
    for name, spec in fault_specs():
        faults[call(sim, "POST", "/_sim/faults", token="", json=spec)["id"]] = name
    proc, elapsed = run_role(workdir, env, wanted, "run-%d" % seed)
    # When retries run out on one request, the run fails and says so: that is honest, and a rerun (still under
    # faults) must then finish the job, committing what the failed run staged. Any other failure fails the seed.
    reruns, honest = [], []
    while proc.returncode != 0 and honest_failure(proc) and len(reruns) < MAX_RERUNS:
        honest.append(honest_failure(proc))
        proc, seconds = run_role(workdir, env, wanted, "rerun-%d-%d" % (seed, len(reruns)), foreign_pending="warn")
        reruns.append(round(seconds, 1))
        elapsed += seconds
    injected = {name: 0 for name in faults.values()}
    for fault in call(sim, "GET", "/_sim/faults", token=""):
        injected[faults[fault["id"]]] += fault["hits"]
    call(sim, "DELETE", "/_sim/faults", token="")
    log = call(sim, "GET", "/_sim/requests", token="")
    status = wait_ok(sim, timeout=30)
    missing, duplicated, fields_lost, unwanted = check(sim, wanted)

    # a second run without faults has nothing left to do
    call(sim, "DELETE", "/_sim/requests", token="")
    again, dummy = run_role(workdir, env, wanted, "again-%d" % seed)
    writes_again = [entry for entry in call(sim, "GET", "/_sim/requests", token="")
                    if entry["method"] in ("POST", "PUT", "DELETE") and not entry["path"].endswith("/auth/login")]

    result = {
        "seed": seed, "rc": proc.returncode, "seconds": round(elapsed, 1), "requests": len(log),
        "reruns": len(reruns), "rerun_because": honest,
        "faults": injected, "faults_injected": sum(injected.values()),
        "seeded": len(seed_things), "wanted": len([i for i in wanted if i.get("state") != "absent"]),
        "missing": missing, "duplicated": duplicated, "fields_lost": fields_lost, "unwanted": unwanted,
        "status_after": status, "second_run_rc": again.returncode, "second_run_writes": len(writes_again),
        "writes": {method: len([e for e in log if e["method"] == method and not e["path"].endswith("/auth/login")])
                   for method in ("POST", "PUT", "DELETE")},
    }
    result["ok"] = (proc.returncode == 0 and not (missing or duplicated or fields_lost or unwanted) and status == "ok"
                    and again.returncode == 0 and not writes_again)
    if not result["ok"]:
        result["output"] = (proc.stdout + proc.stderr)[-3000:]
        result["second_output"] = (again.stdout + again.stderr)[-1500:] if again.returncode else ""
    return result


def markdown(totals, results):
    """The figures as a Markdown table, for docs/reliability.md."""
    lines = [
        "| run | seed | seconds | requests | 503 | 429 | dropped before | dropped after | faults survived | reruns | "
        "Things lost | duplicates | status after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for number, r in enumerate(results, 1):
        lines.append("| %d | %d | %.1f | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |" % (
            number, r["seed"], r["seconds"], r["requests"], r["faults"]["503"], r["faults"]["429"],
            r["faults"]["drop-before"], r["faults"]["drop-after"], r["faults_injected"] if r["ok"] else 0, r["reruns"],
            len(r["missing"]) + len(r["fields_lost"]), len(r["duplicated"]), r["status_after"]))
    kinds = totals["faults_by_kind"]
    lines.append("| **all %d** | | %.1f | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d of %d ok |" % (
        totals["runs"], totals["seconds"], totals["requests"], kinds["503"], kinds["429"], kinds["drop-before"],
        kinds["drop-after"], totals["faults_survived"], totals["reruns"], totals["things_lost"], totals["duplicates"],
        totals["runs_ok"], totals["runs"]))
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--things", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1, help="seed of the first run; run N uses seed + N")
    parser.add_argument("--commit-seconds", type=float, default=2)
    parser.add_argument("--collections", default=os.environ.get("E2E_COLLECTIONS_PATH", os.path.join(REPO, "collections")))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--markdown", help="also write the figures as a Markdown table to this file")
    args = parser.parse_args(argv)

    if not os.path.isdir(os.path.join(args.collections, "ansible_collections", "acreto", "platform")):
        parser.error("the collection is not installed in %s: run `make build` first" % args.collections)
    results = []
    with tempfile.TemporaryDirectory(prefix="acreto-soak-") as workdir:
        with SimulatorProcess(["--commit-seconds", str(args.commit_seconds)], password=PASSWORD, workdir=workdir) as sim:
            env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRETO_", "ANSIBLE_"))}
            env.update(
                PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
                ANSIBLE_COLLECTIONS_PATH=args.collections, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp-local"), ANSIBLE_REMOTE_TMP=os.path.join(workdir, "tmp-remote"),
                ANSIBLE_NOCOLOR="1", ACRETO_ENDPOINT=sim.url + "/v2", ACRETO_USERNAME=USERNAME, ACRETO_PASSWORD=PASSWORD,
            )
            for number in range(args.runs):
                result = soak_run(sim, env, workdir, args.seed + number, args.things)
                results.append(result)
                print("run %2d seed %3d: %s in %5.1f s, %d reruns, %4d requests, %3d faults %s, writes %s, missing %d, "
                      "duplicated %d, fields lost %d, unwanted %d, status %s, second run writes %d"
                      % (number + 1, result["seed"], "ok  " if result["ok"] else "FAIL", result["seconds"], result["reruns"],
                         result["requests"],
                         result["faults_injected"], json.dumps(result["faults"], sort_keys=True), json.dumps(result["writes"]),
                         len(result["missing"]), len(result["duplicated"]), len(result["fields_lost"]),
                         len(result["unwanted"]), result["status_after"], result["second_run_writes"]), flush=True)
                if not result["ok"]:
                    print(result.get("output", ""), file=sys.stderr)

    ok_runs = [r for r in results if r["ok"]]
    totals = {
        "runs": len(results), "runs_ok": len(ok_runs), "things_per_run": args.things,
        "requests": sum(r["requests"] for r in results),
        "faults_injected": sum(r["faults_injected"] for r in results),
        "faults_survived": sum(r["faults_injected"] for r in ok_runs),
        "faults_by_kind": {name: sum(r["faults"][name] for r in results) for name, dummy, dummy2 in FAULTS},
        "things_lost": sum(len(r["missing"]) + len(r["fields_lost"]) for r in results),
        "fields_lost": sum(len(r["fields_lost"]) for r in results),
        "duplicates": sum(len(r["duplicated"]) for r in results),
        "reruns": sum(r["reruns"] for r in results),
        "commits_not_ok": sum(1 for r in results if r["status_after"] != "ok"),
        "seconds": round(sum(r["seconds"] for r in results), 1),
        "seeds": [r["seed"] for r in results],
    }
    print("soak: " + json.dumps(totals, sort_keys=True))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"totals": totals, "runs": results}, handle, indent=1)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(markdown(totals, results))
    return 0 if len(ok_runs) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
