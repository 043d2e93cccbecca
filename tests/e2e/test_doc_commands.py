"""The shell blocks of README.md and docs/*.md, run as a reader would type them.

Every fenced ```sh, ```bash, ```shell or ```console block of those files is either in RUN or in NOT_RUN, keyed by
(file, its first command line without a trailing comment). A block in neither, or an entry whose block is gone,
fails test_every_shell_block_is_run_or_listed, so a new recipe cannot go untested unnoticed.

A block in RUN is written to a script after `set -euo pipefail` and run with bash from the repository's root, in
its own process group (killed afterwards, with whatever it left in the background), with an environment that has
only what the text before the block says it needs:

- always: a temporary HOME and TMPDIR; ANSIBLE_LOCAL_TEMP and ANSIBLE_REMOTE_TMP under the test's tmp directory and
  no colours (test plumbing, not something a recipe relies on); nothing else of the caller's ACRETO_*, ANSIBLE_*,
  VIRTUAL_ENV, make or pytest variables; PATH without .venv/bin;
- need "venv": .venv/bin on PATH, as after `. .venv/bin/activate` (the text asks for ansible-core);
- need "collection": ANSIBLE_COLLECTIONS_PATH=<repo>/collections, the collection as `make build` installs it (the
  text asks for the collection installed where Ansible finds it);
- need "acreto": ACRETO_ENDPOINT, ACRETO_USERNAME and ACRETO_PASSWORD of the simulator of the e2e fixtures, the
  environment that README's "Pointing at a real endpoint" gives, pointed at the simulator.

`after` lists blocks of the same page that its text says to run first in the same shell; they run first in the
same script. `replace` and `drop` are the only changes made to a block's text, each with its reason, and `stdin`
is what the reader types. `make build` of the blocks reinstalls ./collections, which the other e2e tests use too;
the e2e stage runs its tests one at a time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import glob
import json
import os
import re
import signal
import subprocess
import time

import pytest
import yaml

from conftest import PASSWORD, REPO, writes
from plays import CUSTOMER, DOC_UUID, GROUP_UUID, LAB_UUID, devices, log_of

from acreto_sim.testing import USERNAME

PAGES = ["README.md"] + sorted(os.path.relpath(path, REPO) for path in glob.glob(os.path.join(REPO, "docs", "*.md")))
SHELL_LANGUAGES = {"sh", "bash", "shell", "zsh", "console", "shell-session"}
VENV_BIN = os.path.join(REPO, ".venv", "bin")
COLLECTIONS = os.path.join(REPO, "collections")
REAL_ENDPOINT = "https://api-is-rock-solid.acreto.net/v2"
BLOCK_TIMEOUT = 900

Block = collections.namedtuple("Block", "page line language script key")


def first_command(script):
    for line in script.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return " ".join(re.sub(r"\s+#.*$", "", line).split())
    return ""


def fences(page):
    """(line number, language, text) of every fenced block of a Markdown page, indented ones included."""
    with open(os.path.join(REPO, page), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    number = 0
    while number < len(lines):
        opening = re.match(r"^(\s*)(```+|~~~+)\s*([^\s`]*)", lines[number])
        number += 1
        if not opening:
            continue
        indent, fence, language = opening.groups()
        start, body = number, []
        while number < len(lines) and not re.match(r"^\s*%s\s*$" % re.escape(fence), lines[number]):
            body.append(lines[number][len(indent):] if lines[number].startswith(indent) else lines[number].lstrip())
            number += 1
        number += 1
        yield start, language.lower(), "\n".join(body) + "\n"


def console_commands(text):
    """The commands of a console transcript: `$ ` lines and their backslash continuations, without the output."""
    commands, continued = [], False
    for line in text.splitlines():
        if continued or line.startswith("$ "):
            commands.append(line if continued else line[2:])
            continued = line.endswith("\\")
    return "\n".join(commands) + "\n"


def shell_blocks():
    for page in PAGES:
        for line, language, text in fences(page):
            if language in SHELL_LANGUAGES:
                script = console_commands(text) if language in ("console", "shell-session") else text
                yield Block(page, line, language, script, (page, first_command(script)))


class Run:
    """How a block runs: what its text says it needs, and what in its output shows that it worked."""

    def __init__(self, check, needs=(), after=(), replace=(), drop=(), stdin=None, prepare=None):
        self.check = check
        self.prepare = prepare          # what the simulator holds before the block runs: prepare(sim)
        self.needs = set(needs)
        self.after = list(after)        # keys of blocks that the text says to run first, in the same shell
        self.replace = list(replace)    # (text in the block, replacement, why); "{sim}" is the simulator's URL
        self.drop = list(drop)          # (start of a line of the block, why): that line is left out
        self.stdin = stdin              # what the reader types; "{password}" is the simulator's password

    def script(self, block, sim):
        text = block.script
        for old, new, _why in self.replace:
            assert text.count(old) == 1, "%s: %r should occur once in the block" % (block.page, old)
            text = text.replace(old, new.replace("{sim}", sim.url))
        for start, _why in self.drop:
            kept = [line for line in text.splitlines() if not line.startswith(start)]
            assert len(kept) == len(text.splitlines()) - 1, "%s: one line should start with %r" % (block.page, start)
            text = "\n".join(kept) + "\n"
        return text


# --- what shows that a block worked -------------------------------------------------------------------------------

RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
THING_UUID = re.compile(r"Thing '([^']+)': uuid ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def recaps(out, runs, hosts=("localhost",)):
    """The PLAY RECAP lines of `runs` playbook runs on `hosts`, none failed; returns [{host: changed}] per run."""
    lines = RECAP.findall(out)
    assert len(lines) == runs * len(hosts), out[-3000:]
    for host, _ok, _changed, unreachable, failed in lines:
        assert (unreachable, failed) == ("0", "0"), "%s failed:\n%s" % (host, out[-3000:])
    per_run = [dict((host, int(changed)) for host, _o, changed, _u, _f in lines[i:i + len(hosts)])
               for i in range(0, len(lines), len(hosts))]
    assert all(sorted(run) == sorted(hosts) for run in per_run), per_run
    return per_run


def quickstart_created(out, name="My first Thing"):
    """The quick start printed the uuid of the Thing `name`; returns the uuid."""
    uuids = [uuid for thing, uuid in THING_UUID.findall(out) if thing == name]
    assert uuids, out[-3000:]
    assert "Ecosystem 'Documentation Ecosystem': status ok" in out, out[-3000:]
    return uuids[-1]


def url_file_removed(path):
    """The simulator removes its --url-file when it stops: wait for that (it proves `kill %1` stopped it)."""
    deadline = time.monotonic() + 15
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(path), "the simulator did not stop: %s is still there" % path


def check_demo(ctx):
    runs = recaps(ctx.out, runs=2)
    assert runs[0]["localhost"] > 0 and runs[1]["localhost"] == 0, runs
    quickstart_created(ctx.out)
    assert "### make demo: second run reported changed=0" in ctx.out


def check_install_from_checkout(ctx):
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    assert "build/acreto-platform-%s.tar.gz" % version in ctx.script, "the block installs another version"
    manifest = os.path.join(ctx.home, ".ansible", "collections", "ansible_collections", "acreto", "platform", "MANIFEST.json")
    with open(manifest, encoding="utf-8") as handle:
        assert json.load(handle)["collection_info"]["version"] == version
    # "where Ansible looks by default": found without ANSIBLE_COLLECTIONS_PATH.
    doc = subprocess.run(["ansible-doc", "acreto.platform.acreto_thing"], cwd=ctx.home, env=ctx.env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert doc.returncode == 0 and "acreto.platform.acreto_thing" in doc.stdout, doc.stdout + doc.stderr
    assert ctx.home in doc.stdout, doc.stdout[:2000]


def check_quickstart_against_sim(ctx):
    uuid = quickstart_created(ctx.out)
    assert recaps(ctx.out, runs=1)[0]["localhost"] > 0
    assert [thing["uuid"] for thing in devices(ctx.sim)] == [uuid]


def check_quickstart_cam01(ctx):
    uuid = quickstart_created(ctx.out, "cam-01")
    recaps(ctx.out, runs=1)
    assert [(t["uuid"], t["name"], t["category"]) for t in devices(ctx.sim)] == [(uuid, "cam-01", "Camera")]


def check_quickstart_check_diff(ctx):
    recaps(ctx.out, runs=1)
    assert '+    "name": "My first Thing",' in ctx.out, ctx.out[-3000:]
    assert "Check mode: the Thing would be created; nothing was written." in ctx.out
    assert writes(log_of(ctx.sim)) == []
    assert devices(ctx.sim) == []


def inventory_things():
    with open(os.path.join(REPO, "playbooks", "inventory", "hosts.yml"), encoding="utf-8") as handle:
        hosts = yaml.safe_load(handle)["acreto_ecosystems"]["hosts"]
    return {host: sorted(t["name"] for t in hostvars["acreto_things"] if t.get("state", "present") == "present")
            for host, hostvars in hosts.items()}


def check_reconcile(ctx, runs=1):
    per_run = recaps(ctx.out, runs=runs, hosts=("documentation", "lab"))
    assert all(changed > 0 for changed in per_run[0].values()), per_run
    if runs == 2:  # the --check --diff run after the real one: nothing left to change
        assert all(changed == 0 for changed in per_run[1].values()), per_run
    wanted = inventory_things()
    assert sorted(t["name"] for t in devices(ctx.sim)) == wanted["documentation"]
    assert sorted(t["name"] for t in devices(ctx.sim, LAB_UUID)) == wanted["lab"]
    commits = [w for w in writes(log_of(ctx.sim)) if w["path"].endswith("/commits")]
    assert len(commits) == 2, commits  # each ecosystem committed once, by the real run


def check_by_hand(ctx):
    quickstart_created(ctx.out)
    recaps(ctx.out, runs=1)
    url_file_removed(os.path.join(REPO, "build", "sim-url"))


def check_dev_setup(ctx):
    assert "acreto.platform:" in ctx.out and "was installed successfully" in ctx.out, ctx.out[-3000:]
    assert os.path.isfile(os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform", "MANIFEST.json"))


def check_dev_with_simulator(ctx):
    assert "with-simulator.sh: simulator at http://127.0.0.1:" in ctx.out
    recaps(ctx.out, runs=1)
    assert "Check mode: the Thing would be created; nothing was written." in ctx.out


def check_molecule(ctx):
    scenario_recaps = re.findall(r"^things\s+: actions=\d+\s+successful=\d+.*\bfailed=(\d+)", ctx.out, re.M)
    assert scenario_recaps == ["0", "0", "0"], ctx.out[-4000:]  # molecule test, molecule converge, molecule verify
    steps = re.findall(r"things \S+ (\w+): Executed: Successful", ctx.out)
    assert {"destroy", "converge", "idempotence", "verify"} <= set(steps), steps
    assert steps.count("verify") >= 2 and steps.count("converge") >= 2, steps


def check_watch(ctx):
    recaps(ctx.out, runs=1)
    assert '"method":"POST","path":"/v2/auth/login","status":200' in ctx.out, ctx.out[-3000:]
    assert re.search(r'"method":"POST","path":"/v2/customers/[^"]+/commits","status":204', ctx.out), ctx.out[-3000:]
    assert '{"reset":true}' in ctx.out, ctx.out[-3000:]  # the control API took the reset
    url_file_removed(os.path.join(REPO, "build", "sim-url"))


def check_pytest(ctx):
    summary = ctx.out.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed\b", summary) and not re.search(r"failed|error", summary), ctx.out[-3000:]


def seed_two_things(sim):
    token = sim.login(password=PASSWORD)
    for name, category in (("Lobby camera", "Camera"), ("Door sensor", "IoT")):
        response = sim.api("POST", "/customers/%s/ecosystems/%s/devices" % (CUSTOMER, DOC_UUID), token=token,
                           json={"name": name, "profileGroup": GROUP_UUID, "category": category, "assetValue": 3})
        assert response.status_code == 201, response.text


def check_inventory(ctx):
    group = re.search(r"@acreto_documentation_ecosystem:\n[ |]+--@acreto_documentation_ecosystem_profile_group_1:\n"
                      r"((?:[ |]+--[^@\n]+\n)+)", ctx.out)
    assert group and sorted(re.findall(r"--(.+)", group.group(1))) == ["Door sensor", "Lobby camera"], ctx.out[-3000:]
    # host names with spaces: the Things' names
    lines = re.findall(r"^.+?\s+: ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)", ctx.out, re.M)
    assert lines and all(line == ("0", "0") for line in lines), ctx.out[-3000:]
    assert "Documentation Ecosystem: 2 Things (Camera 1, IoT 1)." in ctx.out, ctx.out[-3000:]
    report = os.path.join(REPO, "acreto-things-report.csv")
    try:
        assert len(read_output(report).splitlines()) == 3
    finally:
        os.remove(report)


DEV_SETUP = ("docs/development.md", "make build")
NEEDS_GALAXY = "needs Ansible Galaxy (galaxy.ansible.com) on the network, and tests download nothing"
NEEDS_CONTAINERS = ("needs a container engine (podman or docker), which the test machines lack, and the base "
                    "image's registry, PyPI and Ansible Galaxy on the network; `make ee`, a stage of `make test`, "
                    "runs `ansible-builder create` on the same file")
SUBSTITUTED = ("substituted: the block hard-codes the real endpoint; here ACRETO_ENDPOINT is the simulator's, the "
               "rest of the block runs as written")

RUN = {
    # Nothing else in `make test` (all that CI runs) runs `make demo`; it takes about 30 s.
    ("README.md", "make demo"): Run(
        check_demo,
        drop=[("make test", "`make test` is what runs this test (its e2e stage); running it here would recurse")]),
    ("README.md", "ansible-galaxy collection build --force --output-path build ."): Run(
        check_install_from_checkout, needs=["venv"]),
    ("README.md", "export ACRETO_ENDPOINT=https://api-is-rock-solid.acreto.net/v2"): Run(
        check_quickstart_against_sim, needs=["venv", "collection"], stdin="{password}\n",
        replace=[("export ACRETO_ENDPOINT=%s\n" % REAL_ENDPOINT, "export ACRETO_ENDPOINT={sim}/v2\n", SUBSTITUTED)]),
    ("README.md", "ansible-playbook acreto.platform.quickstart -e acreto_thing_name=cam-01 -e acreto_thing_category=Camera"):
        Run(check_quickstart_cam01, needs=["venv", "collection", "acreto"]),
    ("README.md", "ansible-playbook acreto.platform.quickstart --check --diff"): Run(
        check_quickstart_check_diff, needs=["venv", "collection", "acreto"]),
    ("README.md", "ansible-playbook -i playbooks/inventory/hosts.yml acreto.platform.reconcile_ecosystems --forks 2"):
        Run(check_reconcile, needs=["venv", "collection", "acreto"]),
    ("README.md", "make build && . .venv/bin/activate"): Run(check_by_hand),
    ("README.md", "ansible-inventory -i playbooks/inventory/things.acreto.yml --graph"): Run(
        check_inventory, needs=["venv", "collection", "acreto"], prepare=seed_two_things),
    DEV_SETUP: Run(check_dev_setup),
    ("docs/development.md", "hack/with-simulator.sh ansible-playbook playbooks/quickstart.yml --check --diff"): Run(
        check_dev_with_simulator, after=[DEV_SETUP]),
    ("docs/development.md", "hack/with-simulator.sh bash -c 'cd extensions && molecule test -s things'"): Run(
        check_molecule, after=[DEV_SETUP]),
    ("docs/development.md", "export ACRETO_SIM_PASSWORD=secret"): Run(
        check_watch, after=[DEV_SETUP]),
    ("docs/development.md", ".venv/bin/python -m pytest tests/e2e/test_tls.py -p no:cacheprovider"): Run(
        check_pytest),
    ("docs/scaling.md", "ansible-playbook -i playbooks/inventory/hosts.yml acreto.platform.reconcile_ecosystems --forks 2"):
        Run(lambda ctx: check_reconcile(ctx, runs=2), needs=["venv", "collection", "acreto"]),
}

NOT_RUN = {
    ("README.md", "ansible-galaxy collection install acreto.platform"): NEEDS_GALAXY,
    ("README.md", "ansible-builder build -f docs/execution-environment.yml -t registry.example.com/acreto-ee:1.1.0"):
        NEEDS_CONTAINERS,
    ("docs/awx.md", "ansible-galaxy collection install awx.awx"):
        NEEDS_GALAXY + ", and an AWX or Automation Platform controller to register the credential type with",
    ("docs/awx.md", "ansible-builder build -f docs/execution-environment.yml -t registry.example.com/acreto-ee:1.1.0"):
        NEEDS_CONTAINERS + "; `podman push` also needs a registry to push to",
    ("docs/eda.md", "python3 -m pip install ansible-rulebook ansible-runner requests"):
        NEEDS_GALAXY + "; `make venv` installs the pinned ansible-rulebook and ansible-runner",
    ("docs/eda.md", "printf 'all:\\n hosts:\\n localhost:\\n ansible_connection: local\\n' > inventory.yml"):
        "ansible-rulebook runs until it is stopped; tests/e2e/test_eda_rulebooks.py runs this command (the installed "
        "rulebook, --inventory, --vars, the ACRETO_* environment) against the simulator and stops it",
    ("docs/eda.md", "ansible-builder build -f docs/decision-environment.yml -t registry.example.com/acreto-de:1.1.0"):
        NEEDS_CONTAINERS,
}

Context = collections.namedtuple("Context", "out script env home sim")


def test_every_shell_block_is_run_or_listed():
    blocks = list(shell_blocks())
    keys = [block.key for block in blocks]
    assert blocks
    duplicates = sorted(key for key, count in collections.Counter(keys).items() if count > 1)
    assert duplicates == [], "two blocks of a page start with the same command; make the first lines differ"
    assert set(RUN).isdisjoint(NOT_RUN)
    unlisted = ["%s:%d: %s" % (block.page, block.line, block.key[1]) for block in blocks
                if block.key not in RUN and block.key not in NOT_RUN]
    assert unlisted == [], "shell blocks that are neither run nor listed as not run (add them to RUN or NOT_RUN)"
    stale = sorted((set(RUN) | set(NOT_RUN)) - set(keys))
    assert stale == [], "entries of RUN or NOT_RUN whose block is gone"
    for key, run in RUN.items():
        assert set(run.needs) <= {"venv", "collection", "acreto"}, key
        assert all(first in RUN and first[0] == key[0] and not RUN[first].after for first in run.after), key
        assert all(why for _old, _new, why in run.replace) and all(why for _start, why in run.drop)
    assert all(reason for reason in NOT_RUN.values())


def test_every_fenced_block_names_its_language():
    """A fence without a language could hide a shell recipe from this test."""
    bare = ["%s:%d" % (page, line) for page in PAGES for line, language, _text in fences(page) if not language]
    assert bare == []


def test_no_example_starts_the_simulator_with_its_password_on_the_command_line():
    """ps shows a process's arguments to every user of the machine: the examples use ACRETO_SIM_PASSWORD."""
    starts = [(page, line) for page in PAGES + ["simulator/README.md"] for _number, language, text in fences(page)
              if language in SHELL_LANGUAGES for line in text.splitlines() if re.search(r"\bacreto-sim\b", line)
              and not line.lstrip().startswith("#")]
    assert len(starts) >= 5, starts
    assert [start for start in starts if "--password" in start[1]] == []


def test_blocks_not_run_here_say_why():
    """Each block that is not run has a reason; a reason that names the test running it instead names a real test."""
    for key, reason in NOT_RUN.items():
        assert reason.strip(), key
        for named in re.findall(r"tests/e2e/test_\w+\.py", reason):
            assert os.path.exists(os.path.join(REPO, named)), (key, named)


def clean_env(tmp_path):
    """What a fresh login shell has, without the caller's venv, Ansible, Acreto, make and pytest settings."""
    dropped_prefixes = ("ACRETO_", "ANSIBLE_", "MAKE", "MFLAGS", "GNUMAKEFLAGS", "PYTEST_", "E2E_", "MOLECULE_")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(dropped_prefixes) and key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(entry for entry in env.get("PATH", "").split(os.pathsep)
                                  if entry and os.path.abspath(entry) != VENV_BIN)
    for name in ("home", "tmp", "ansible-local", "ansible-remote"):
        (tmp_path / name).mkdir()
    env.update(HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path / "tmp"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"), ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
               ANSIBLE_NOCOLOR="1", NO_COLOR="1", PY_COLORS="0")
    return env


def needed_env(env, needs, sim):
    env = dict(env)
    if "venv" in needs:
        env.update(PATH=VENV_BIN + os.pathsep + env["PATH"], VIRTUAL_ENV=os.path.dirname(VENV_BIN))
    if "collection" in needs:
        env["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS
    if "acreto" in needs:
        env.update(ACRETO_ENDPOINT=sim.url + "/v2", ACRETO_USERNAME=USERNAME, ACRETO_PASSWORD=PASSWORD)
    return env


def read_output(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def stop_group(pgid):
    """SIGTERM, then SIGKILL, to what the block left running in its process group (a simulator in the background)."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


@pytest.fixture(scope="module")
def venv_is_current():
    """`make build` in a block must not re-create the venv that runs these tests: it must be up to date."""
    stamp = os.path.join(REPO, ".venv", ".installed")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    if subprocess.run(["make", "-q", stamp], cwd=REPO, env=env, capture_output=True, check=False).returncode != 0:
        pytest.fail("run `make venv` first: .venv is missing or older than its requirements")
    if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "acreto", "platform")):
        pytest.fail("run `make build` first: the collection is not installed in %s" % COLLECTIONS)


@pytest.mark.parametrize("key", sorted(RUN), ids=lambda key: "%s: %s" % (key[0], key[1][:70]))
def test_block_works_as_written(key, venv_is_current, sim, tmp_path):
    blocks = {block.key: block for block in shell_blocks()}
    if key not in blocks:
        pytest.fail("no shell block of %s starts with %r" % key)
    run = RUN[key]
    script = "".join("# --- run first, as the text says: %s: %s\n%s" % (k[0], k[1], RUN[k].script(blocks[k], sim))
                     for k in run.after)
    script += "# --- %s:%d\n%s" % (key[0], blocks[key].line, run.script(blocks[key], sim))
    script_file = tmp_path / "block.sh"
    script_file.write_text("set -euo pipefail\n" + script, encoding="utf-8")
    env = needed_env(clean_env(tmp_path), run.needs, sim)
    if run.prepare:
        run.prepare(sim)
    stdin_file = tmp_path / "stdin"
    stdin_file.write_text(run.stdin.replace("{password}", PASSWORD) if run.stdin else "", encoding="utf-8")
    out_file = tmp_path / "output"
    started = time.monotonic()
    # The output goes to a file, not a pipe: a simulator left in the background by a failed block keeps its
    # stdout open, and reading a pipe to its end would wait for it.
    with open(stdin_file, "rb") as stdin, open(out_file, "wb") as out:
        proc = subprocess.Popen(["bash", str(script_file)], cwd=REPO, env=env, start_new_session=True,
                                stdin=stdin, stdout=out, stderr=subprocess.STDOUT)
    try:
        try:
            proc.wait(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            stop_group(proc.pid)
            proc.wait()
            pytest.fail("the block ran longer than %d s:\n%s\n%s" % (BLOCK_TIMEOUT, script, read_output(out_file)[-4000:]))
        output = read_output(out_file)
        print("%s: exit %d after %.1f s" % (key[1], proc.returncode, time.monotonic() - started))
        assert proc.returncode == 0, "the block failed (exit %d):\n%s\n--- output\n%s" % (
            proc.returncode, script, output[-6000:])
        assert PASSWORD not in output
        run.check(Context(output, script, env, env["HOME"], sim))
    finally:
        stop_group(proc.pid)
