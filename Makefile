# The two commands of the README are `make run` and `make test`.
PY := .venv/bin/python
PORT ?= 8000

.PHONY: install run test lint format demo firmware

# The app starts with DEBUG off unless told (production-safe default); the demo and the developer's
# commands run in development mode, with the development keys.
run lint: export DEBUG ?= 1

install:
	scripts/setup

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(PORT)

test:
	scripts/setup --test
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# The meter firmware compiled to .mpy (firmware/build/), as README "Flashing an ESP32" copies it.
firmware:
	$(PY) firmware/build.py
