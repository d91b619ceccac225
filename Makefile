# The README's commands. Each sets up .venv first (tools/setup_env.sh; seconds when already done).
VENV ?= .venv
PYTHON := $(VENV)/bin/python

.PHONY: setup test demo demo-data study clean

setup:
	@bash tools/setup_env.sh

test: setup
	$(PYTHON) -m pytest tests

demo-data: setup
	$(PYTHON) tools/data/make_demo_data.py data/demo

demo: demo-data
	PYTHON=$(abspath $(PYTHON)) bash tools/demo.sh

study: demo-data
	PYTHON=$(abspath $(PYTHON)) bash tools/study.sh

clean:
	rm -rf work_dirs/demo work_dirs/study
