# `make build` and `make test` set up a fresh Debian machine by themselves:
# system libraries for WeasyPrint (apt-get when root, else the exact command to run),
# a virtual environment in .venv, and the Python packages from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Debian packages WeasyPrint needs at run time (Pango for layout, HarfBuzz subset for font embedding).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
SYSTEM_LIBS     := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1

.PHONY: setup system-deps bytecode build test fast check-code clean

setup: system-deps $(VENV)/.installed bytecode

# An editable install leaves our modules uncompiled, and where PYTHONDONTWRITEBYTECODE is set every command
# would compile them again (~0.1 s of a cold `labeling lint`); compileall only redoes changed files.
bytecode: $(VENV)/.installed
	@$(BIN)/python -m compileall -q labeling

system-deps:
	@libs=$$(PATH="$$PATH:/usr/sbin:/sbin" ldconfig -p 2>/dev/null); missing=""; \
	if [ -z "$$libs" ]; then echo "cannot list system libraries (ldconfig not found)"; exit 1; fi; \
	for lib in $(SYSTEM_LIBS); do \
	  echo "$$libs" | grep -q "$$lib" || missing="$$missing $$lib"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "missing system libraries:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $(SYSTEM_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null || exit 1; \
	  else \
	    echo "run as root, then try again:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: python3-venv"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
	      && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "python3 cannot create a virtual environment; run as root, then try again:"; \
	    echo "  sudo apt-get install -y python3-venv"; exit 1; \
	  fi; }
	@$(BIN)/pip install -q --upgrade pip >/dev/null
	@$(BIN)/pip install -q -e '.[test]'
	@touch $@

build: setup
	$(BIN)/labeling build

# Everything: code checks (ruff lint + format, mypy), then the whole suite in parallel workers.
test: setup check-code
	$(BIN)/python -m pytest -q -n auto

# The edit loop: the tests not marked slow (README: "Developing"), about a quarter of `make test`'s time.
fast: setup
	$(BIN)/python -m pytest -q -n auto -m "not slow"

check-code: setup
	$(BIN)/ruff check labeling tests benchmarks tools setup.py
	$(BIN)/ruff format --check labeling tests benchmarks tools setup.py
	$(BIN)/mypy

clean:
	rm -rf output/*/ .pytest_cache .hypothesis .mypy_cache .ruff_cache
