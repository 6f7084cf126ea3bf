# SPDX-License-Identifier: EUPL-1.2
# The two commands of the README: `make demo` and `make test`. Each installs what it needs.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXAMPLE := examples/lycee-jean-moulin
# System packages WeasyPrint and the tests need on a fresh Debian machine.
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
# The accessibility and validity tests (tests/test_a11y.py) need headless Chromium, Node.js
# and Java: COMMAND:PACKAGE pairs, installed only when the command is missing, so that a
# Node.js or Java from elsewhere (NodeSource, nvm, a JDK) is kept.
APT_TOOLS := chromium:chromium node:nodejs npm:npm java:default-jre-headless

.PHONY: demo test test-fast lint system-deps node_modules clean help

help:
	@echo "make demo   install into $(VENV), check the bundled example and render its report"
	@echo "make test   install into $(VENV) with test tools and run every check and test"
	@echo "make test-fast   the tests that need neither a PDF nor a browser (the quick loop)"

# Installs the Debian packages only when one is missing (root or sudo needed then).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for t in $(APT_TOOLS); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# The main job on the bundled example: check it, then render its public report (HTML and PDF),
# its method sheets and its actor map into _build/demo.
demo: system-deps $(VENV)/.installed
	$(BIN)/residence check $(EXAMPLE)
	$(BIN)/residence render $(EXAMPLE) --out _build/demo
	$(BIN)/residence methods $(EXAMPLE) --out _build/demo
	$(BIN)/residence map $(EXAMPLE) --out _build/demo
	@echo "Open _build/demo/report.html or _build/demo/report.pdf"

# axe-core, puppeteer-core (drives Debian's chromium: no browser download) and the Nu HTML
# checker, pinned in package.json and package-lock.json.
node_modules/.installed: package.json package-lock.json | system-deps
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --ignore-scripts --no-audit --no-fund
	touch $@

node_modules: node_modules/.installed

test: system-deps $(VENV)/.installed-test node_modules
	$(BIN)/reuse lint
	$(BIN)/python -m pytest -q

# The quick loop while working: no PDF layout, no browser, nothing slow. A test that lays out a PDF
# without its `pdf` mark fails here (tests/conftest.py), so the loop stays fast.
test-fast: $(VENV)/.installed-test
	RESIDENCE_TESTS_NO_PDF=1 $(BIN)/python -m pytest -q -n 2 -m "not pdf and not browser and not slow"

lint: $(VENV)/.installed-test
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) build dist _build .pytest_cache .hypothesis node_modules
