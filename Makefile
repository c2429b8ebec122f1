# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PO_FILES := $(wildcard leye_events/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
FLASK := $(BIN)/flask --app app
NODE ?= node

.PHONY: run test install translations extract-messages lint bench clean

install: $(STAMP) $(MO_FILES)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(MO_FILES)

run: install
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) seed-demo --if-empty
	FLASK_DEBUG=1 FLASK_NOTIFY_EMBEDDED_WORKER=1 $(FLASK) run --host 127.0.0.1 --port 5000

# The door's JavaScript modules are unit-tested with Node's own runner when Node is there (never required).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if command -v $(NODE) >/dev/null 2>&1; then $(NODE) --test --test-reporter=spec tests/js/; \
	else echo "tests/js skipped: node not found"; fi

lint: install
	$(BIN)/ruff check leye_events tests bench app.py
	$(BIN)/lint-imports --no-logo

# Refresh the message catalogue after changing user-facing text (then translate the new entries).
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o leye_events/translations/messages.pot .
	$(BIN)/pybabel update -i leye_events/translations/messages.pot -d leye_events/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(MO_FILES)
