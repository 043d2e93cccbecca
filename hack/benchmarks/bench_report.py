# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The targets of make bench (hack/benchmarks/run.py) and the text of docs/benchmarks.md.

Every figure and every sentence that states a result is made from the report of one run; a statement that the run
does not bear out is left out, not printed wrong.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


# How much slower than with parallelism 1 (b) may be on loopback and still count as "not slower": the spread of
# whole ansible-playbook runs on a busy 2-core machine.
SERIAL_TOLERANCE = 1.05
# The sweep's rule for the default parallelism: its writes at the latency of rows 7 take at most this many times as
# long as those of the fastest parallelism.
SWEEP_SLACK = 1.5
# acreto_things' default parallelism in version 1.1.0 before issue 14
PARALLELISM_BEFORE = 4


def writes(counts):
    return counts["writes"]


def total_requests(counts):
    return sum(count for method, count in counts.items() if method != "writes")


def counts_text(counts):
    return ", ".join("%s %d" % (method, counts[method]) for method in sorted(counts) if method != "writes") or "none"


def per_thing(entry):
    return entry["wall"] / entry["n"]


def scaled(entry, report):
    """A loop's wall time for the N Things of (a) and (b), from its time per Thing."""
    return per_thing(entry) * report["n"]


# --- the targets -----------------------------------------------------------------------------------------------


def bound_by_startup(met_without, value_without, empty):
    """Why a target on a whole ansible-playbook run is missed, when it holds without the cost of ansible-playbook itself."""
    if not met_without:
        return None
    return ("bounded by the start of ansible-playbook itself (an empty playbook takes %.2f s on this machine); "
            "without it: %s" % (empty, value_without))


def bound_by_floor(report, bulk, raw, floor, limit, what):
    """Why (b) is not within `limit` x a raw script `what`, when what the Things add to the module run is.

    Each run minus the same run with 0 Things (`floor`) is what the Things add to it; for (b), that includes the
    controller reading and templating the variable that lists them, which the empty playbook that reads them measures,
    and which any playbook with such a list pays. None when the module run's own part is not within the limit either.
    """
    variable = report["empty_vars"] - report["empty"]
    raw_added = raw - floor["raw"]
    module_added = bulk - floor["bulk"] - variable
    if raw_added <= 0 or module_added <= 0 or module_added > limit * raw_added:
        return None
    return ("bounded by what one ansible-playbook run with one module run costs before the first Thing (%.2f s, against "
            "%.2f s for %s with no Thing) and by the controller's reading of the variable of %d Things (%.2f s); what the "
            "Things add to the module run takes %.2f x as long as what they add to %s"
            % (floor["bulk"], floor["raw"], what, report["n"], variable, module_added / raw_added, what))


def bound_by_cpu(report, bulk, pool, floor):
    """Why (b) at latency is not within its limit of (a'), when the network part of its writes overlaps as well as (a')'s.

    What the Things add to (b) at latency is at most what they add to (a') plus what they add to (b) on loopback, where
    the network costs nothing: the rest is the module's CPU per Thing, which it shares with the simulator on this
    machine, not a wait on the network. None when (b) takes longer than that.
    """
    variable = report["empty_vars"] - report["empty"]
    added = bulk - floor["bulk"] - variable
    pool_added = pool - floor["raw"]
    cpu = report["bulk"]["wall"] - report["floor"]["bulk"] - variable
    if added <= 0 or pool_added <= 0 or cpu <= 0 or added > pool_added + cpu:
        return None
    return ("bounded by the controller's CPU: what the %d Things add to (b) (%.2f s) is no more than what they add to (a') "
            "(%.2f s) plus what they add to (b) on loopback, where the network costs nothing (%.2f s); (b) also pays "
            "%.2f s before the first Thing, against %.2f s for (a')"
            % (report["n"], added, pool_added, cpu, floor["bulk"], floor["raw"]))


def latency_targets(report):
    lat = report["latency_ms"]
    bulk, raw, pool = report["lat_bulk"]["wall"], report["lat_raw"]["wall"], report["lat_pool"]["wall"]
    floor = report["lat_floor"]
    return [
        dict(target="at %d ms: (b) at most 0.2 x the time of (a)" % lat, value="%.2f x" % (bulk / raw), met=bulk <= 0.2 * raw),
        dict(target="at %d ms: (b) at most 1.5 x the time of (a'), %d threads" % (lat, report["parallelism"]),
             value="%.2f x" % (bulk / pool), met=bulk <= 1.5 * pool,
             bound=(bound_by_floor(report, bulk, pool, floor, 1.5, "(a')") or bound_by_cpu(report, bulk, pool, floor))),
    ]


def inventory_targets(inventory):
    """Row 6. The load time is bounded by ansible-inventory itself when the same load from the cache, with no request,
    takes most of it."""
    api = inventory["wall"] - inventory["cached_wall"]
    bound = None
    if inventory["cached_wall"] >= api:
        bound = ("bounded by ansible-inventory building %d hosts: the same load from the plugin's cache, with no request, "
                 "takes %.2f s; reading the API adds %.2f s" % (inventory["things"], inventory["cached_wall"], api))
    requests_made, cached = total_requests(inventory["counts"]), total_requests(inventory["cached_counts"])
    return [
        dict(target="row 6: %d Things load in under 5 s" % inventory["things"], value="%.2f s" % inventory["wall"],
             met=inventory["wall"] < 5, bound=bound),
        dict(target="row 6: 1 login, 1 list of ecosystems, 2 lists per ecosystem; 0 requests from the cache",
             value="%d requests, %d from the cache" % (requests_made, cached),
             met=requests_made == 2 + 2 * inventory["ecosystems"] and cached == 0),
    ]


def loop_targets(report):
    loop = report["thing_loop"]
    results = [dict(target="(c): fewer requests per item than before issue 14 (%d)" % report["loop_c_before"],
                    value="%.1f" % loop["per_item"], met=loop["per_item"] < report["loop_c_before"])]
    forms = report.get("loop_requests") or []
    if forms:
        results.append(dict(target="every other way of calling acreto_thing in a loop: no more requests per item than before",
                            value=", ".join("%.1f (was %d)" % (form["per_item"], form["before"]) for form in forms),
                            met=all(form["per_item"] <= form["before"] for form in forms)))
    return results


def targets(report):
    raw, bulk, serial = report["raw"]["wall"], report["bulk"], report["bulk_serial"]
    loops = {"(c)": scaled(report["thing_loop"], report), "(d)": scaled(report["uri_loop"], report)}
    again = bulk["again_counts"]
    empty = report["empty"]
    results = [
        dict(target="(b) within 1.5 x the wall time of (a)", value="%.2f x" % (bulk["wall"] / raw),
             met=bulk["wall"] <= 1.5 * raw, bound=bound_by_floor(report, bulk["wall"], raw, report["floor"], 1.5, "(a)")),
        dict(target="on loopback, (b) not slower than with parallelism 1 (at most %.2f x)" % SERIAL_TOLERANCE,
             value="%.2f x" % (bulk["wall"] / serial["wall"]), met=bulk["wall"] <= SERIAL_TOLERANCE * serial["wall"]),
    ]
    for name, seconds in loops.items():
        results.append(dict(target="(b) at least 20 x faster than %s" % name, value="%.1f x" % (seconds / bulk["wall"]),
                            met=seconds >= 20 * bulk["wall"]))
    results += [
        dict(target="row 3 under 2 s", value="%.2f s" % bulk["again_wall"], met=bulk["again_wall"] < 2,
             bound=bound_by_startup(bulk["again_wall"] - empty < 2, "%.2f s" % (bulk["again_wall"] - empty), empty)),
        dict(target="row 3 at most 3 requests (logins included), 0 writes",
             value="%d requests, %d writes" % (total_requests(again), writes(again)),
             met=total_requests(again) <= 3 and writes(again) == 0),
        dict(target="row 1 second run: 0 writes (logins left out)", value="%d writes" % writes(report["quickstart"]["again_counts"]),
             met=writes(report["quickstart"]["again_counts"]) == 0),
        dict(target="row 4 under 200 MB", value="%.0f MiB" % report["rss"]["rss_mib"], met=report["rss"]["rss_mib"] < 200),
        dict(target="row 5 under 1 s", value="%.2f s" % report["commit"], met=report["commit"] < 1),
    ]
    if report.get("inventory"):
        results += inventory_targets(report["inventory"])
    return results + latency_targets(report) + loop_targets(report)


def verdict(result):
    if result["met"]:
        return "yes"
    if result.get("bound"):
        return "no: " + result["bound"]
    return "**no**"


def missed(results):
    """The targets that are missed for no reason that the table explains."""
    return [r for r in results if not r["met"] and not r.get("bound")]


# --- the parallelism sweep ----------------------------------------------------------------------------------------


def sweep_seconds(report, latency, throttled=False):
    """{parallelism: seconds} of the sweep at `latency` ms, with or without the injected 429s."""
    return {f["parallelism"]: f["seconds"] for f in report["sweep"] if f["latency"] == latency and f["throttled"] == throttled}


def sweep_choice(report):
    """The parallelism that the sweep's rule picks: the smallest one whose writes at the latency of rows 7 take at most
    SWEEP_SLACK x as long as those of the fastest one, and with the 429s no longer than with parallelism 1."""
    seconds = sweep_seconds(report, report["latency_ms"])
    throttled = sweep_seconds(report, report["latency_ms"], True)
    fastest = min(seconds.values())
    return next((parallelism for parallelism in sorted(seconds)
                 if seconds[parallelism] <= SWEEP_SLACK * fastest and throttled[parallelism] <= throttled[min(throttled)]), None)


def sweep_section(report):
    sweep = report["sweep"]
    latencies = sorted({f["latency"] for f in sweep if not f["throttled"]})
    lat = report["latency_ms"]
    throttled = sweep_seconds(report, lat, True)
    answered = {f["parallelism"]: f["answered_429"] for f in sweep if f["throttled"]}
    default = report["parallelism"]
    lines = [
        "## The default parallelism of acreto_things",
        "",
        "Each figure is the time that the writes of one run of the module's engine take to create %d Things: its client"
        % report["sweep_n"],
        "and its throttled pool, without Ansible around them and without the login and the lists before them, whose cost",
        "does not depend on the parallelism. The simulator is reset before each run. In the last column, at %d ms, the"
        % lat,
        "first %d creates that reach the API are answered 429 with `Retry-After: %d`, as a rate limit answers the start"
        % (report["throttled_creates"], report["retry_after"]),
        "of a burst.",
        "",
        "| Parallelism | " + " | ".join("%d ms" % latency for latency in latencies)
        + " | %d ms, the first %d creates 429 (429s answered) |" % (lat, report["throttled_creates"]),
        "| --- |" + " --- |" * (len(latencies) + 1),
    ]
    for parallelism in sorted(throttled):
        mark = " (the default)" if parallelism == default else ""
        lines.append("| %d%s | " % (parallelism, mark)
                     + " | ".join("%.3f s" % sweep_seconds(report, latency)[parallelism] for latency in latencies)
                     + " | %.3f s (%d) |" % (throttled[parallelism], answered[parallelism]))
    choice = sweep_choice(report)
    lines += [
        "",
        "The rule: the default is the smallest parallelism whose writes at %d ms, a round trip across the internet, take"
        % lat,
        "at most %.1f x as long as those of the fastest parallelism, and no longer than with parallelism 1 when the API"
        % SWEEP_SLACK,
        "answers 429s; and (b) with it must not be slower than with parallelism 1 on loopback (a target above). More",
        "writes in flight put more load on the API, whose rate limit answers with 429s, for a gain that the rest of a run",
        "(rows 7a' and 7b with 0 Things) outweighs.",
        "",
    ]
    if choice == default:
        lines.append("This run's rule picks %d, the module's default." % default)
    else:
        lines.append("This run's rule picks %s, not the module's default of %d: this run does not bear that default out "
                     "(the figures vary from run to run with the load of the machine)." % (choice, default))
    lines += [""] + sweep_statements(report, default)
    return lines


def sweep_statements(report, default):
    """What the sweep shows about the default, in numbers of this run."""
    out = []
    for latency in sorted({f["latency"] for f in report["sweep"] if not f["throttled"]}):
        seconds = sweep_seconds(report, latency)
        fastest = min(seconds, key=seconds.get)
        before = "" if default == PARALLELISM_BEFORE else (" and %.3f s with %d (the default before issue 14)"
                                                           % (seconds[PARALLELISM_BEFORE], PARALLELISM_BEFORE))
        out.append("- At %d ms, the writes with parallelism %d take %.3f s, against %.3f s with 1%s; the fastest, %d, takes "
                   "%.3f s." % (latency, default, seconds[default], seconds[1], before, fastest, seconds[fastest]))
    throttled = sweep_seconds(report, report["latency_ms"], True)
    out.append("- With 429s, a write that was answered 429 halves the writes in flight, once for all the writes that were in "
               "flight with it, and each run of as many writes as are in flight without one adds one again: with "
               "parallelism %d the writes took %.3f s, against %.3f s with 1." % (default, throttled[default], throttled[1]))
    return out


# --- the text ------------------------------------------------------------------------------------------------------


LABELS = {"c": "a loop of acreto_thing, with a token passed in",
          "d": "a loop of ansible.builtin.uri POSTs after a uri login"}


def loop_row(number, entry, report, raw):
    return ("| %s %s: %.3f s per Thing (%d Things in %.1f s) | %.1f s for %d | %s (%.1f per Thing) | %.2f |"
            % (number, LABELS[number[-1]], per_thing(entry), entry["n"], entry["wall"], scaled(entry, report), report["n"],
               counts_text(entry["counts"]), entry["per_item"], scaled(entry, report) / raw))


def task_row(number, label, entry, raw):
    return ("| %s %s (the module task alone: %.2f s) | %.2f s | %s | %.2f |"
            % (number, label, entry["task"], entry["wall"], counts_text(entry["counts"]), entry["wall"] / raw))


def loopback_table(report):
    n = report["n"]
    raw, bulk, quick = report["raw"], report["bulk"], report["quickstart"]
    lines = [
        "## On loopback",
        "",
        "| Row | Wall time | Requests | Ratio to (a) |",
        "| --- | --- | --- | --- |",
        "| 1 quick start playbook, first run | %.2f s | %s | |" % (quick["wall"], counts_text(quick["counts"])),
        "| 1 quick start playbook, second run | %.2f s | %s (%d writes) | |"
        % (quick["again_wall"], counts_text(quick["again_counts"]), writes(quick["again_counts"])),
        "| 2a %d Things: raw Python, one requests.Session, POST one by one | %.2f s | %s | 1.00 |"
        % (n, raw["wall"], counts_text(raw["counts"])),
        task_row("2b", "%d Things: acreto_things, state merged, parallelism %d (its default)" % (n, report["parallelism"]),
                 bulk, raw["wall"]),
        task_row("2b", "the same with parallelism 1, run after each run of 2b", report["bulk_serial"], raw["wall"]),
        loop_row("2c", report["thing_loop"], report, raw["wall"]),
        loop_row("2d", report["uri_loop"], report, raw["wall"]),
        "| 3 idempotent re-run of 2b (the module task alone: %.2f s) | %.2f s | %s (%d writes) | %.2f |"
        % (bulk["again_task"], bulk["again_wall"], counts_text(bulk["again_counts"]), writes(bulk["again_counts"]),
           bulk["again_wall"] / raw["wall"]),
        "| 4 peak RSS of the acreto_things module process, %d Things: **%.0f MiB** | %.1f s | %s | |"
        % (report["rss_n"], report["rss"]["rss_mib"], report["rss"]["wall"], counts_text(report["rss"]["counts"])),
        "| 5 commit of %d s: from the ecosystem turning ok to acreto_commit returning | %.2f s | | |"
        % (report["commit_seconds"], report["commit"]),
    ]
    inventory = report.get("inventory")
    if inventory:
        lines += [
            "| 6 `ansible-inventory --graph` with the inventory plugin, %d Things in %d ecosystems | %.2f s | %s | |"
            % (inventory["things"], inventory["ecosystems"], inventory["wall"], counts_text(inventory["counts"])),
            "| 6 the same from the plugin's cache | %.2f s | %s | |"
            % (inventory["cached_wall"], counts_text(inventory["cached_counts"])),
            "| 6 `ansible-inventory --list` (writes the JSON of every host) | %.2f s | | |" % inventory["list_wall"],
        ]
    lines += [
        "| an empty playbook (one debug task), for scale | %.2f s | | |" % report["empty"],
        "| the same, reading the %d Things of 2b from the same vars file | %.2f s | | |" % (n, report["empty_vars"]),
        "| 2a with 0 Things: the script logs in and stops | %.2f s | | |" % report["floor"]["raw"],
        "| 2b with 0 Things: the playbook, one module run that logs in and lists the Things | %.2f s | | |"
        % report["floor"]["bulk"],
    ]
    return lines


def latency_table(report):
    n, lat = report["n"], report["latency_ms"]
    raw = report["lat_raw"]
    return [
        "## At %d ms a request" % lat,
        "",
        "The same runs against the same simulator with `latency_ms: %d`: each API request waits %d ms before it is handled,"
        % (lat, lat),
        "without holding up the others, as a round trip across the internet would.",
        "",
        "| Row | Wall time | Requests | Ratio to (a) |",
        "| --- | --- | --- | --- |",
        "| 7a %d Things: raw Python, one requests.Session, POST one by one (one run) | %.2f s | %s | 1.00 |"
        % (n, raw["wall"], counts_text(raw["counts"])),
        "| 7a' %d Things: the raw script with %d threads, a session each | %.2f s | %s | %.2f |"
        % (n, report["parallelism"], report["lat_pool"]["wall"], counts_text(report["lat_pool"]["counts"]),
           report["lat_pool"]["wall"] / raw["wall"]),
        task_row("7b", "%d Things: acreto_things with its defaults" % n, report["lat_bulk"], raw["wall"]),
        loop_row("7c", report["lat_thing_loop"], report, raw["wall"]),
        loop_row("7d", report["lat_uri_loop"], report, raw["wall"]),
        "| 7a' with 0 Things: the script logs in and stops | %.2f s | | |" % report["lat_floor"]["raw"],
        "| 7b with 0 Things | %.2f s | | |" % report["lat_floor"]["bulk"],
    ]


def loop_requests_section(report):
    lines = [
        "## Requests per item of a loop of acreto_thing",
        "",
        "Counted in the simulator's log of each loop (%d Things each, and (c) itself). The figures before are those of"
        % report["loop_form_n"],
        "version 1.1.0 before issue 14, which listed the ecosystems and the profile groups on every item; they were not",
        "measured in this run.",
        "",
        "| How acreto_thing is called | Before | This run |",
        "| --- | --- | --- |",
        "| (c): a token, the customer and the profile group by uuid, the ecosystem by name | %d | %.1f |"
        % (report["loop_c_before"], report["thing_loop"]["per_item"]),
    ]
    lines += ["| %s | %d | %.1f |" % (form["label"], form["before"], form["per_item"]) for form in report["loop_requests"]]
    return lines


def fixed_cost_section(report):
    """Where the time of (b) goes on loopback, from differences of measured runs."""
    n, raw, bulk, floor = report["n"], report["raw"], report["bulk"], report["floor"]
    start = report["empty"]
    variable = report["empty_vars"] - start
    module_floor = floor["bulk"] - start
    things_added = bulk["wall"] - floor["bulk"] - variable
    lines = [
        "## Where the time of (b) goes on loopback",
        "",
        "Differences of the rows above, all from this run:",
        "",
        "- %.2f s: ansible-playbook itself (the empty playbook)." % start,
        "- %.2f s: the controller reading and templating the variable of %d Things before any module runs (the empty"
        % (variable, n),
        "  playbook that reads them, minus the empty playbook).",
        "- %.2f s: one module run with no Thing (2b with 0 Things, minus the empty playbook): Python, ansible-core's module"
        % module_floor,
        "  code, requests, the argument check, the login and the lists.",
        "- %.2f s: what the %d Things add to the module run and its result (2b, minus 2b with 0 Things, minus the"
        % (things_added, n),
        "  variable), against %.2f s for the %d creates of (a) (2a minus 2a with 0 Things): %.2f x."
        % (raw["wall"] - floor["raw"], n, things_added / max(raw["wall"] - floor["raw"], 1e-9)),
    ]
    if min(variable, module_floor, things_added) < 0:
        lines.append("- A difference below 0 means that the runs varied more with the load of the machine than it measures.")
    if bulk.get("result_bytes"):
        lines.append("- The task's result (`before`, `after`, `commands` and the summary) is %.0f KiB of JSON, which"
                     % (bulk["result_bytes"] / 1024.0))
        lines.append("  ansible-core handles after the writes: the module scrubs it of secret values, the controller parses it")
        lines.append("  and passes it between its processes.")
    return lines


def header(report):
    load_start, load_end = report["load_start"], report["load_end"]
    return [
        "# Benchmarks",
        "",
        "Written by `make bench` (hack/benchmarks/run.py) on %s: the collection installed by `make build`, against its own"
        % report["date"],
        "simulator on 127.0.0.1 with a commit time of 0 (row 5: %d s), on loopback and at %d ms a request. Median of %d runs"
        % (report["commit_seconds"], report["latency_ms"], report["runs"]),
        "for every figure except rows 1, 4 and 7a, the loops (c) and (d), row 6 from the cache and with `--list`, and the",
        "sweep, which ran once each. Requests are the simulator's log of /v2 requests, logins (POST /auth/login) included.",
        "Wall times of Ansible are whole `ansible-playbook` runs.",
        "",
        "Machine: %s, %d cores; Python %s; %s. The whole benchmark took %.0f s; the load average (1 minute) was %.2f"
        % (report["machine"], report["cores"], report["python"], report["ansible"], report["total"], load_start[0]),
        "when it started and %.2f when it ended." % load_end[0],
        "",
    ]


def render(report, results):
    lines = header(report) + loopback_table(report) + [""] + latency_table(report) + [
        "",
        "## Targets",
        "",
        "| Target | Measured | Met |",
        "| --- | --- | --- |",
    ]
    lines += ["| %s | %s | %s |" % (r["target"], r["value"], verdict(r)) for r in results]
    lines += [""] + loop_requests_section(report)
    lines += [""] + sweep_section(report)
    lines += [""] + fixed_cost_section(report)
    lines += [""] + method_section(report)
    return "\n".join(lines) + "\n"


def method_section(report):
    inventory = report.get("inventory") or dict(ecosystems=0)
    return METHOD_BEFORE_ROW_5 + [
        "- Row 5 sets the simulator's commit time to %d s, stages one Thing, and runs `acreto_commit` with its"
        % report["commit_seconds"],
        "  defaults while a thread of the benchmark reads the ecosystem every %g ms. The figure is the time from the"
        % report["watch_interval_ms"],
        "  first read that sees `ok` to the end of the task, as a callback (`hack/benchmarks/callback_plugins`) records it.",
        "- Row 6 starts a simulator of its own whose seed holds %d ecosystems of one customer, each with %d profile groups"
        % (inventory["ecosystems"], report["inventory_groups"]),
    ] + METHOD_AFTER_ROW_6


METHOD_BEFORE_ROW_5 = [
    "## How it is measured",
    "",
    "- (a) is `hack/benchmarks/raw_creates.py`, started as its own Python process: it logs in and POSTs each Thing",
    "  on one keep-alive session, one after the other. It is the API's own cost, with nothing of Ansible. (a') is the",
    "  same script with a pool of as many threads as acreto_things' default parallelism, each with a session of its own.",
    "- (b) is `hack/benchmarks/things_bulk.yml`: one `acreto.platform.acreto_things` task with the N Things in",
    "  `config` (profile group given by uuid), `parallelism` left at its default. Row 3 runs it again unchanged;",
    "  its requests are the login, the list of ecosystems and the list of Things. The row with parallelism 1 runs",
    "  right after each run of (b), so that both see the same load of the machine.",
    "- (c) is `hack/benchmarks/things_loop.yml`: `acreto_auth` once, then `acreto.platform.acreto_thing` in a loop",
    "  with the token. Each item is a module run of its own. (d) is `hack/benchmarks/uri_loop.yml`: a `uri` login,",
    "  then a `uri` POST per Thing, as the API quick start leads one to write; a second run of it would create every",
    "  Thing again. Both clear the simulator's request log just before the loop, so their requests are the loop's.",
    "  The loops run with fewer Things than (b); their wall time for N Things is their time per Thing times N.",
    "- Rows 7 set the simulator's `latency_ms` (`acreto-sim --latency-ms`, or `PATCH /_sim/config`): every API request",
    "  waits that long before it is handled, and the server goes on with other requests meanwhile.",
    "- When (b) is not within the ratio of a raw script, the targets compare what the N Things add to each run, that",
    "  is each run minus the same run with 0 Things. The run with 0 Things is the fixed cost of starting",
    "  `ansible-playbook` and one module process (Python, ansible-core's module code, requests), the login and the",
    "  lists; it does not grow with N, and (c) and (d) pay it once per Thing.",
    "- Where a target on a whole `ansible-playbook` run is missed, the table says whether it holds once the start",
    "  of `ansible-playbook` itself (the empty playbook row) is taken out.",
    "- Row 4 runs (b) with the module's interpreter wrapped by `hack/benchmarks/rss_python.py`, which reads the",
    "  peak RSS of the module process with getrusage(RUSAGE_CHILDREN) once it has exited.",
]
METHOD_AFTER_ROW_6 = [
    "  and an equal share of the Things, and runs `ansible-inventory -i bench.acreto.yml --graph`: the inventory plugin",
    "  `acreto.platform.acreto` with one keyed group (the category) and a JSON file cache. The first figure reads",
    "  the API (`--flush-cache`), the second the cache. Every Thing name is in every ecosystem, so every host gets",
    "  the first characters of its uuid. `--list` also writes the JSON of every host.",
    "- The sweep is `hack/benchmarks/sweep.py`: the module's `BulkEngine` with its client, as the installed collection",
    "  has them, run from Python for each latency and parallelism.",
]
