# acreto.platform: `make demo` runs the API quick start against the simulator, `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

ROOT := $(CURDIR)
# Interpreters; empty means "search with hack/find-python.sh".
PYTHON ?=
PYTHON_216 ?=
PYTHON_OLDEST ?=

VENV := $(ROOT)/.venv
VENV_216 := $(ROOT)/.venv-2.16
VENV_STAMP := $(VENV)/.installed
VENV_216_STAMP := $(VENV_216)/.installed
# The oldest requests and urllib3 that requirements.txt allows, for the client's unit tests.
VENV_OLDEST := $(ROOT)/.venv-oldest
VENV_OLDEST_STAMP := $(VENV_OLDEST)/.installed
SIMULATOR_PIP_ARGS := -e ./simulator[test]

VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(ROOT)/build/acreto-platform-$(VERSION).tar.gz
COLLECTIONS := $(ROOT)/collections
# ansible-test only runs from a real .../ansible_collections/NAMESPACE/NAME path.
COPY_PARENT := $(ROOT)/build/test
COPY := $(COPY_PARENT)/ansible_collections/acreto/platform
# `make test` makes the copy and the build once, in its setup stage, and runs the other stages with
# TEST_PREPARED=1: they use that copy and that build. A stage run on its own (`make units`) copies or builds first.
TEST_PREPARED ?=
COPY_FIRST := $(if $(TEST_PREPARED),,copy)
BUILD_FIRST := $(if $(TEST_PREPARED),,build)

# Python X.Y of each venv, read when a recipe needs it.
PY_VERSION = $(shell $(VENV)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PY_VERSION_216 = $(shell $(VENV_216)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

export PATH := $(VENV)/bin:$(PATH)

.PHONY: help venv venv-2.16 venv-oldest constraints debs get-pip copy build prepare ee demo test bench clean distclean \
	changelog sanity sanity-2.16 sanity-2.21 units integration simulator-tests lint docs changelog-lint importer molecule e2e soak eda

help:
	@echo "make demo        run playbooks/quickstart.yml twice against the simulator (sets everything up)"
	@echo "make test        run every check, stage by stage, and print the time of each"
	@echo "make venv        create .venv (Python 3.13 or 3.12, pinned dev tools and the simulator)"
	@echo "make venv-2.16   create .venv-2.16 (Python 3.12, ansible-core 2.16, for sanity)"
	@echo "make venv-oldest create .venv-oldest (Python 3.12, the oldest requests and urllib3, for the client's tests)"
	@echo "make build       build the collection into build/ and install it into ./collections"
	@echo "make bench       benchmark against the simulator; prints the table and writes docs/benchmarks.md; exits 0 once"
	@echo "                 written, and 1 only when a target is missed and the table does not say what bounds it"
	@echo "make soak        converge 200 Things under injected faults, once per seed (SOAK_SEEDS=10, SOAK_THINGS=200)"
	@echo "make constraints resolve requirements*.txt again and rewrite constraints*.txt"
	@echo "make ee          write the execution environment's build context to build/ee (ansible-builder create)"
	@echo "make changelog   update changelogs/changelog.yaml and CHANGELOG.rst from the fragments"
	@echo "make clean       remove build/, collections/ and tests/output/ (distclean: the venvs too)"
	@echo "stages of make test: sanity-2.16 sanity-2.21 units integration simulator-tests lint docs changelog-lint importer ee eda e2e molecule"

# --- virtual environments (re-made when their requirements change) ---------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements-dev.txt constraints.txt simulator/pyproject.toml
	py="$(PYTHON)"; [ -n "$$py" ] || py="$$(hack/find-python.sh 3.13 3.12)"; \
	hack/venv.sh $(VENV) "$$py" requirements-dev.txt constraints.txt $(SIMULATOR_PIP_ARGS)
	touch $@

venv-2.16: $(VENV_216_STAMP)

$(VENV_216_STAMP): requirements-2.16.txt constraints-2.16.txt
	py="$(PYTHON_216)"; [ -n "$$py" ] || py="$$(hack/find-python.sh 3.12)"; \
	hack/venv.sh $(VENV_216) "$$py" requirements-2.16.txt constraints-2.16.txt
	touch $@

venv-oldest: $(VENV_OLDEST_STAMP)

$(VENV_OLDEST_STAMP): requirements-oldest.txt constraints-oldest.txt
	py="$(PYTHON_OLDEST)"; [ -n "$$py" ] || py="$$(hack/find-python.sh 3.12)"; \
	hack/venv.sh $(VENV_OLDEST) "$$py" requirements-oldest.txt constraints-oldest.txt
	touch $@

constraints:
	py="$(PYTHON)"; [ -n "$$py" ] || py="$$(hack/find-python.sh 3.13 3.12)"; \
	hack/venv.sh --freeze build/constraints-venv "$$py" requirements-dev.txt constraints.txt $(SIMULATOR_PIP_ARGS)
	py="$(PYTHON_216)"; [ -n "$$py" ] || py="$$(hack/find-python.sh 3.12)"; \
	hack/venv.sh --freeze build/constraints-venv-2.16 "$$py" requirements-2.16.txt constraints-2.16.txt
	py="$(PYTHON_OLDEST)"; [ -n "$$py" ] || py="$$(hack/find-python.sh 3.12)"; \
	hack/venv.sh --freeze build/constraints-venv-oldest "$$py" requirements-oldest.txt constraints-oldest.txt
	rm -rf build/constraints-venv build/constraints-venv-2.16 build/constraints-venv-oldest

# Debian packages: shellcheck for the sanity test of that name, curl and jq for the simulator's smoke test,
# a Java runtime (17 or newer) for ansible-rulebook in the e2e tests of the rulebooks.
debs:
	hack/ensure-debs.sh shellcheck curl jq java=openjdk-17-jre-headless

# ansible-test downloads a pip bootstrap script from a host outside PyPI; give it a local stand-in.
get-pip: $(VENV_STAMP) $(VENV_216_STAMP)
	hack/place-get-pip.sh $(VENV)/bin/python $(VENV_216)/bin/python

# --- the collection ----------------------------------------------------------------------------

# A copy with .git (ansible-test lists files through git), without venvs and build output.
# The simulator is a separate Python package, not part of the collection: its own pytest suite tests it.
copy:
	rm -rf $(COPY_PARENT)
	mkdir -p $(COPY)
	tar -C $(ROOT) -cf - --exclude=./.venv --exclude='./.venv-*' --exclude=./build --exclude=./collections \
		--exclude=./simulator --exclude=./tests/output --exclude=./.cache --exclude=./.ansible --exclude='*.tar.gz' \
		--exclude=__pycache__ --exclude=.pytest_cache . | tar -C $(COPY) -xf -

build: $(VENV_STAMP)
	rm -f $(TARBALL)
	ansible-galaxy collection build --force --output-path build .
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ansible-galaxy collection install --force -p $(COLLECTIONS) $(TARBALL)

# The copy and the build that the stages of `make test` share.
prepare: copy build

changelog: $(VENV_STAMP)
	hack/changelog.sh

# The build context of an execution environment (building the image needs a container engine).
EE_FILE ?= docs/execution-environment.yml
# The same for the decision environment of EDA controller rulebook activations.
DE_FILE ?= docs/decision-environment.yml
# It also checks that ansible-builder finds the collection's Python requirements in the installed collection.
ee: $(BUILD_FIRST)
	rm -rf build/ee build/de
	ansible-builder create -f $(EE_FILE) --context build/ee
	ansible-builder create -f $(DE_FILE) --context build/de
	ansible-builder introspect --sanitize $(COLLECTIONS) | tee build/ee-introspect.txt
	grep -q "requests>=2.25.0  # from collection acreto.platform" build/ee-introspect.txt
	grep -q "urllib3>=1.26.5  # from collection acreto.platform" build/ee-introspect.txt

# --- make demo ---------------------------------------------------------------------------------

demo: build
	hack/with-simulator.sh hack/demo.sh

# --- make test ---------------------------------------------------------------------------------

test:
	@hack/stage.sh --reset
	@hack/stage.sh setup $(MAKE) --no-print-directory debs venv venv-2.16 venv-oldest get-pip prepare
	@hack/stage.sh sanity-2.16 $(MAKE) --no-print-directory TEST_PREPARED=1 sanity-2.16
	@hack/stage.sh sanity-2.21 $(MAKE) --no-print-directory TEST_PREPARED=1 sanity-2.21
	@hack/stage.sh units $(MAKE) --no-print-directory TEST_PREPARED=1 units
	@hack/stage.sh integration $(MAKE) --no-print-directory TEST_PREPARED=1 integration
	@hack/stage.sh simulator $(MAKE) --no-print-directory TEST_PREPARED=1 simulator-tests
	@hack/stage.sh ansible-lint $(MAKE) --no-print-directory TEST_PREPARED=1 lint
	@hack/stage.sh docs $(MAKE) --no-print-directory TEST_PREPARED=1 docs
	@hack/stage.sh changelog $(MAKE) --no-print-directory TEST_PREPARED=1 changelog-lint
	@hack/stage.sh importer $(MAKE) --no-print-directory TEST_PREPARED=1 importer
	@hack/stage.sh ee $(MAKE) --no-print-directory TEST_PREPARED=1 ee
	@hack/stage.sh eda $(MAKE) --no-print-directory TEST_PREPARED=1 eda
	@hack/stage.sh e2e $(MAKE) --no-print-directory TEST_PREPARED=1 e2e
	@hack/stage.sh molecule $(MAKE) --no-print-directory TEST_PREPARED=1 molecule
	@hack/stage.sh --summary
	@echo "make test: all stages passed"

sanity: sanity-2.16 sanity-2.21

sanity-2.16: debs get-pip $(COPY_FIRST)
	cd $(COPY) && PATH="$(VENV_216)/bin:$$PATH" $(ROOT)/hack/ansible-test.sh sanity --python $(PY_VERSION_216)

sanity-2.21: debs get-pip $(COPY_FIRST)
	cd $(COPY) && $(ROOT)/hack/ansible-test.sh sanity --python $(PY_VERSION)

# pytest, pytest-xdist, pytest-mock, mock and responses come from .venv: no --venv, nothing downloaded.
# Then the client's tests once more, in .venv-oldest: with the lower bounds of requirements.txt.
units: $(VENV_STAMP) $(VENV_OLDEST_STAMP) $(COPY_FIRST)
	cd $(COPY) && $(ROOT)/hack/ansible-test.sh units --python $(PY_VERSION)
	hack/units-oldest.sh $(VENV_OLDEST)/bin/python $(COPY)

integration: $(VENV_STAMP) $(COPY_FIRST)
	cd $(COPY) && ACRETO_SIM_ARGS="--commit-seconds 1" $(ROOT)/hack/with-simulator.sh \
		--integration-config tests/integration/integration_config.yml \
		$(ROOT)/hack/ansible-test.sh integration --python $(PY_VERSION)

simulator-tests: debs $(VENV_STAMP)
	cd simulator && python -m pytest -p no:cacheprovider

lint: $(VENV_STAMP) $(COPY_FIRST)
	ANSIBLE_COLLECTIONS_PATH=$(COPY_PARENT) ansible-lint --profile production --offline

docs: $(VENV_STAMP) $(COPY_FIRST)
	ANSIBLE_COLLECTIONS_PATH=$(COPY_PARENT) antsibull-docs lint-collection-docs --plugin-docs $(COPY)

changelog-lint: $(VENV_STAMP)
	antsibull-changelog lint
	hack/changelog.sh --check

importer: $(BUILD_FIRST)
	hack/galaxy-importer.sh $(TARBALL)

# The doc commands run `make build` and `make demo` in this checkout, which reinstall ./collections: they run alone
# first. The other tests start a simulator per worker and work in their own temporary directories, so they run on
# E2E_WORKERS pytest-xdist workers (most of their time is spent waiting on playbooks, commits and the simulator).
E2E_SERIAL = tests/e2e/test_doc_commands.py
E2E_WORKERS ?= 2
e2e: debs $(BUILD_FIRST)
	cd $(ROOT) && python -m pytest $(E2E_SERIAL) -p no:cacheprovider
	cd $(ROOT) && python -m pytest tests/e2e $(E2E_SERIAL:%=--ignore=%) -n $(E2E_WORKERS) -p no:cacheprovider --durations=10

# The event source of extensions/eda under pytest-asyncio, against the simulator (not ansible-test units: it runs each
# test in a fork of its own, so a simulator started for the session would be started again, and left, per test).
eda: $(BUILD_FIRST)
	cd $(ROOT) && python -m pytest tests/eda -p no:cacheprovider

# Not part of make test: SOAK_SEEDS runs of the things role, each converging SOAK_THINGS Things under injected
# faults (about a minute a run); e2e runs one small seed of it (tests/e2e/test_soak_smoke.py).
SOAK_SEEDS ?= 10
SOAK_THINGS ?= 200
soak: build
	python tests/soak/soak.py --runs $(SOAK_SEEDS) --things $(SOAK_THINGS) --json build/soak.json --markdown build/soak.md

molecule: $(BUILD_FIRST)
	cd extensions && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(ROOT)/hack/with-simulator.sh molecule test --all

# Starts its own simulator; prints the table and writes docs/benchmarks.md (about 5 minutes on 2 cores). BENCH_ARGS
# passes options, e.g. a quick run: make bench BENCH_ARGS="--n 20 --loop-n 3 --latency-loop-n 3 --rss-n 50 --inventory-n 100 --sweep-n 8 --runs 1 --no-write"
BENCH_ARGS ?=
bench: build
	python hack/benchmarks/run.py $(BENCH_ARGS)

# --- cleaning ----------------------------------------------------------------------------------

clean:
	rm -rf build collections tests/output

distclean: clean
	rm -rf $(VENV) $(VENV_216) $(VENV_OLDEST)
