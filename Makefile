# make reproduce   the article-size reproduction in the pinned image; report in a folder of its own under out/
# make test        lint + all tests, the real-Docker-engine ones included (what CI runs)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= paper
# OUT: the run's folder (default: one of its own under out/, named by host, device, stack, backend and
# profile); OUT=paper writes the project's own evidence.
OUT ?=
ARGS ?=
# Advice from the command (start over, write elsewhere) names the make target the user typed.
CALLER ?= make reproduce
EVIDENCE := paper
# RUNNER: auto (container; if no engine answers or no image can be made, say so and run
# locally), docker (container or fail), local (no container).
RUNNER ?= auto
VARIANT ?= $(shell nvidia-smi -L >/dev/null 2>&1 && echo gpu || echo cpu)
BASE ?=
ARCHIVE ?=
LOCK_cpu := runtime.lock
LOCK_gpu := gpu.lock
WHEEL_TAGS := --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
  $(foreach v,1 2014 _2_5 _2_17 _2_24 _2_27 _2_28 _2_31 _2_34 _2_35,--platform manylinux$(v)_x86_64)
UV := $(abspath $(VENV)/bin/uv)
LOCK := $(UV) pip compile --quiet --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28
CONTAINER_ARGS = --variant $(VARIANT) $(if $(BASE),--base $(BASE)) $(if $(ARCHIVE),--image-archive $(ARCHIVE))
RUN_ARGS = --profile $(PROFILE) $(if $(OUT),--out $(OUT)) $(ARGS)
REPRODUCE := CUDNN_REPRO_CALLER='$(CALLER)' $(PY) reproduce.py

.DEFAULT_GOAL := help
.PHONY: help venv docs reproduce reproduce-quick reproduce-slurm test test-unit test-unit-a test-unit-b test-engine \
  test-slurm lint wheelhouse \
  engine-packages slurm-packages engine-images image image-archive \
  reports lock gpu-wheels bench check-gpu-image clean

# uv installs the locks, as complete resolutions: exactly them (--no-deps), as the image does with pip.
INSTALL := $(UV) pip install --quiet --python $(PY) --require-hashes --no-deps --compile-bytecode
venv: $(VENV)/.runtime  ## the local virtual environment, from the lock of VARIANT (runtime.lock or gpu.lock)

$(VENV)/.uv: requirements/bootstrap.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --require-hashes --no-deps -r $<
	touch $@

$(VENV)/.runtime: requirements/$(LOCK_$(VARIANT)) $(VENV)/.uv
	$(INSTALL) -r $<
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements/dev.lock
	$(INSTALL) -r requirements/dev.lock
	touch $@

# PyTorch for the torch stack's tests: an optional extra, in no image (about 7 GB with its CUDA libraries).
$(VENV)/.torch: $(VENV)/.dev requirements/torch.lock
	$(INSTALL) -r requirements/torch.lock
	touch $@

help:  ## this list
	@printf 'make %-16s %s\n' reproduce "the article-size reproduction, in the pinned image when possible (RUNNER, VARIANT, PROFILE, ARGS)"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "make %-16s %s\n", $$1, $$2}'

# Every pinned wheel of one image, for offline (air-gapped) builds.
.SECONDEXPANSION:
wheelhouse/%/.complete: requirements/$$(LOCK_$$*) | $(VENV)/.uv
	$(PY) -m pip download -q --require-hashes --no-deps $(WHEEL_TAGS) -d wheelhouse/$* -r $<
	touch $@

wheelhouse: wheelhouse/$(VARIANT)/.complete  ## every pinned wheel of one image (VARIANT=cpu|gpu), for offline builds

# The door first (the output folder, a resume the results there would refuse, the engine), then the
# wheels and the image. BASE=local builds on the local Debian stand-in where no registry answers.
ifeq ($(RUNNER),local)
reproduce: $(VENV)/.runtime
	$(REPRODUCE) run $(RUN_ARGS)
else
reproduce: $(VENV)/.runtime $(if $(filter local,$(BASE)),build/engine-base.tar)
	$(REPRODUCE) container --variant $(VARIANT) --preflight $(if $(filter auto,$(RUNNER)),--fallback-local) $(RUN_ARGS)
	$(if $(ARCHIVE),,$(if $(filter auto,$(RUNNER)),-)$(MAKE) wheelhouse VARIANT=$(VARIANT))
	$(REPRODUCE) container $(CONTAINER_ARGS) $(if $(filter auto,$(RUNNER)),--fallback-local) $(RUN_ARGS)
endif

reproduce-quick:  ## the quick verdict: minutes, 3 repeats (up to 6 while undecided), article-size times predicted
	$(MAKE) reproduce PROFILE=quick CALLER='make reproduce-quick'

# On a Slurm cluster, from a checkout on the shared filesystem: one job array per GPU kind,
# a task per stack/backend, then the summary; SLURM_ARGS as `reproduce.py slurm --help` lists.
SLURM_ARGS ?= --dry-run
reproduce-slurm: $(VENV)/.runtime  ## the run as Slurm job arrays and a summary (SLURM_ARGS; --dry-run by default)
	$(PY) reproduce.py slurm --profile $(PROFILE) $(if $(OUT),--out $(OUT)) $(SLURM_ARGS)

image: wheelhouse/$(VARIANT)/.complete  ## build the pinned image offline from the wheelhouse
	$(PY) reproduce.py image --variant $(VARIANT) $(if $(BASE),--base $(BASE))

# Registries delete old images: keep a `docker save` archive with its SHA-256 beside it.
image-archive: wheelhouse/$(VARIANT)/.complete  ## the image as a docker-save archive with its SHA-256, for air-gapped AE
	$(PY) reproduce.py image --variant $(VARIANT) $(if $(BASE),--base $(BASE)) \
	  --archive dist/cudnn-repro-$(VARIANT).tar

lint: $(VENV)/.dev  ## ruff, hadolint and the layers' import contracts (import-linter, pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint docker/Dockerfile
	$(VENV)/bin/lint-imports

# The unit and end-to-end tests in two shards of about equal time, each one process on one core:
# the whole commands (A), then everything else (B), so that a new test file lands in B.
UNIT_A := tests/test_end_to_end.py tests/test_gpu_check.py tests/test_layers.py tests/test_door.py tests/test_cli.py \
  tests/judge
test-unit: test-unit-a test-unit-b  ## lint, unit and end-to-end tests (no Docker)
test-unit-a: lint $(VENV)/.torch
	nice -n 10 $(PY) -m pytest --durations=15 $(UNIT_A)
test-unit-b: lint $(VENV)/.torch
	nice -n 10 $(PY) -m pytest --durations=15 --ignore=tests/engine --ignore=tests/slurm $(addprefix --ignore=,$(UNIT_A))

# Debian's packages the tests need (root), one apt at a time: mmdebstrap first (the engine's
# build waits for it), then a one-node Slurm cluster: the daemons and the basic plugins it uses,
# without the ~30 recommended plugin packages (HDF5, IPMI, ROCm...) that a cold install would fetch.
# (Installed means "ii": `dpkg -s` also answers for a package removed with its configuration kept.)
APT_INSTALL = [ "$$(dpkg-query -W -f='$${db:Status-Abbrev}\n' $(1) 2>/dev/null | grep -c '^ii')" = $(words $(1)) ] \
  || (apt-get update -q && apt-get install -y -q $(2) $(1))
engine-packages:
	$(call APT_INSTALL,mmdebstrap)

slurm-packages: | engine-packages
	$(call APT_INSTALL,slurmctld slurmd slurm-client munge,--no-install-recommends)

# The engine tests' stand-in for the pinned base (no registry answers here): Debian 12 with python3.
build/engine-base.tar: | engine-packages
	mkdir -p build
	mmdebstrap --quiet --variant=minbase --include=python3,python3-venv --format=tar bookworm $@.part \
	  http://deb.debian.org/debian
	mv $@.part $@

# That base imported and the CPU image built on it offline from the wheelhouse, once for every test.
engine-images: $(VENV)/.runtime wheelhouse/cpu/.complete build/engine-base.tar
	PYTHONPATH=. $(PY) tests/engine/images.py

# Against the real Docker engine (needs root). Fails, never skips, without an engine.
test-engine: $(VENV)/.dev engine-images  ## tests against the real Docker engine (needs root)
	$(PY) -m pytest --durations=10 tests/engine

# On a real one-node Slurm cluster (needs root). Fails, never skips, when it cannot start.
test-slurm: $(VENV)/.torch | slurm-packages  ## tests on a one-node Slurm cluster started for them (needs root)
	nice -n 10 $(PY) -m pytest --durations=10 tests/slurm

# The suites side by side, each one's output shown whole when it ends: the unit tests as two
# shards, the engine and the Slurm tests. The unit and Slurm suites run under nice, so they yield
# to the engine's image build and containers and fill the gaps in it.
test:  ## everything CI runs
	$(MAKE) --jobs=4 --output-sync=target test-unit-a test-unit-b test-engine test-slurm

# Re-render every committed report from its results file (runs nothing), then the summary
# across them. A paper-size run set `X-paper` is validated against a quick `X-quick` beside
# it; the main one against QUICK when that names a quick-profile results file.
QUICK ?= $(wildcard $(EVIDENCE)/runs/main-quick/results.json)
reports: $(VENV)/.runtime  ## re-render every report in paper/ and paper/SUMMARY.md, running nothing
	for f in $(EVIDENCE)/runs/*/results.json; do q=$${f%-paper/results.json}-quick/results.json; \
	  $(PY) reproduce.py report $$f $$([ "$$q" != "$$f" ] && [ -f "$$q" ] && echo --quick $$q) || exit 1; done
	$(PY) reproduce.py report $(EVIDENCE)/results.json $(if $(QUICK),--quick $(QUICK))
	$(PY) reproduce.py compare $(EVIDENCE) --out $(EVIDENCE)

docs: $(VENV)/.runtime  ## rewrite the generated parts of the docs: stacks (stacks.json), the words (judge/outcomes.py), run sets and claims table (paper/)
	$(PY) -m cudnn_repro.render.docs $(EVIDENCE)

# Refresh the locks from pyproject.toml's dependencies and requirements/*.in.
lock: $(VENV)/.uv  ## recompile requirements/*.lock from pyproject.toml and requirements/*.in
	cd requirements && $(LOCK) bootstrap.in -o bootstrap.lock \
	  && $(LOCK) ../pyproject.toml cpu.in --override cpu-overrides.txt -o runtime.lock \
	  && $(LOCK) dev.in -o dev.lock \
	  && $(LOCK) ../pyproject.toml gpu.in -o gpu.lock \
	  && $(LOCK) torch.in -o torch.lock

# What `reproduce.py run` imports that a PyTorch+JAX GPU machine lacks (requirements/gpu-wheels.txt), for
# bench/gpu_check.sh where no index answers (Python 3.12, x86-64).
gpu-wheels:  ## the wheels a PyTorch+JAX GPU machine without an index lacks (bench/gpu_check.sh)
	$(PYTHON) -m pip download -q --no-deps --require-hashes --only-binary=:all: --python-version 3.12 \
	  --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -d .whl \
	  -r requirements/gpu-wheels.txt

# The GPU image built offline and checked without a GPU: TensorFlow's CUDA build and libraries
# against gpu.lock, and a smoke run (the cuDNN pair "not run"). On the local Debian base unless
# BASE names one. Its output: bench/results/check_gpu_image.txt.
check-gpu-image: SHELL := /bin/bash
check-gpu-image: .SHELLFLAGS := -o pipefail -c
check-gpu-image: $(VENV)/.runtime wheelhouse/gpu/.complete $(if $(BASE),,build/engine-base.tar)  ## build the GPU image offline and check its CUDA stack, no GPU needed (BASE)
	PYTHONPATH=. $(PY) bench/check_gpu_image.py $(if $(BASE),--base $(BASE),--local-base) | tee bench/results/check_gpu_image.txt

# Quick-verdict validation (about 30 min on 2 cores) and harness overhead.
bench: $(VENV)/.dev  ## the benchmarks: quick-vs-full validation, harness overhead
	$(PY) bench/quick_vs_full.py --models LSTM,GRU
	$(PY) bench/harness_overhead.py

clean:  ## remove the virtual environment, the engine tests' base tarball and caches
	rm -rf $(VENV) build .pytest_cache .ruff_cache bench/out
