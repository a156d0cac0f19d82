# The set-up contract: `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
GOVUK := node_modules/govuk-frontend/dist/govuk
AUTOCOMPLETE := node_modules/accessible-autocomplete/dist
BUILD := app/static/build
CSS := $(BUILD)/unmentoring.css
CHROMIUM := /usr/bin/chromium
# pytest-xdist workers for `make test`: CI has 2 cores, and many tests wait on servers, not the CPU.
TEST_WORKERS ?= 2

.PHONY: install assets browser run test lint audit bench migrate clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# GOV.UK Frontend and accessible-autocomplete (served by the app, never from a CDN), Sass to
# build the CSS, axe-core for tests.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Built with a system font stack: the GDS Transport typeface is for GOV.UK only.
$(CSS): $(NODE_STAMP) app/static/scss/unmentoring.scss
	mkdir -p $(BUILD)
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
		--quiet-deps app/static/scss/unmentoring.scss $(CSS)
	cp $(GOVUK)/govuk-frontend.min.js $(BUILD)/govuk-frontend.min.js
	cp $(AUTOCOMPLETE)/accessible-autocomplete.min.js $(AUTOCOMPLETE)/accessible-autocomplete.min.css $(BUILD)/

assets: $(CSS)

install: $(STAMP) assets

# Debian's Chromium for the browser tests (Playwright never downloads a browser of its own).
# If it cannot be installed, the browser tests skip and say why.
browser:
	@test -x $(CHROMIUM) || (DEBIAN_FRONTEND=noninteractive apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium: the browser tests will be skipped."

migrate: install
	$(FLASK) db upgrade

run: migrate
	$(FLASK) dev

lint: install
	$(VENV)/bin/ruff format --check app tests trello_sandbox
	$(VENV)/bin/ruff check app tests trello_sandbox
	$(VENV)/bin/lint-imports --no-cache pyproject.toml

# Known vulnerabilities in the pinned packages fail the build; no network only skips, saying so.
audit: install
	$(PY) -m tests.audit

test: lint browser audit
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

bench: install browser
	$(PY) -m tests.bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache bench-results.json node_modules $(BUILD)
