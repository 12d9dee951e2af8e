# Thin wrappers: each target runs the same `python -m ...` commands that work on Windows and
# macOS without make (see README.md).
PYTHON ?= python3
VENV_PY := .venv/bin/python

.PHONY: setup serve build handouts check test clean

setup:
	$(PYTHON) -m scripts.setup

serve: setup
	$(VENV_PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

build:
	$(PYTHON) -m scripts.setup --system
	$(VENV_PY) -m scripts.build

# The PDF handouts of an already built site/ (make build makes them too).
handouts:
	$(PYTHON) -m scripts.setup --system
	$(VENV_PY) -m scripts.handouts

check: setup
	$(VENV_PY) -m scripts.check

test:
	$(PYTHON) -m scripts.setup --system
	$(VENV_PY) -m pytest

clean:
	rm -rf site site.partial .pytest_cache
