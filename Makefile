# 网络传销监测数据仓库 — the commands of CONTRACT §1. Every target honours LANDING_DIR, WAREHOUSE_DIR,
# REPORTS_DIR (and BENCH_OUT, ENGINE) so a second warehouse can run beside the first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup demo test bench run backfill reports sample airflow airflow-env sql docs evaluate hash-id export-table case browser postgres clean

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LANDING_DIR ?= data/landing
WAREHOUSE_DIR ?= data/warehouse
REPORTS_DIR ?= data/reports
BENCH_OUT ?= data/bench/latest.json
HISTORY_NIGHTS ?= 90
ENGINE ?= duckdb
SCALE ?= demo
DEMO_DAYS ?= 60
export LANDING_DIR WAREHOUSE_DIR REPORTS_DIR BENCH_OUT ENGINE

# Closed networks: no telemetry from dbt, Great Expectations or anything that honours DO_NOT_TRACK.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export SCARF_ANALYTICS := false
export DO_NOT_TRACK := 1

# Airflow: AIRFLOW_HOME is the repository root; its state lives in the ignored folder .airflow/.
AIRFLOW_STATE := $(CURDIR)/.airflow
export AIRFLOW_HOME := $(CURDIR)
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(AIRFLOW_STATE)/plugins
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE := $(AIRFLOW_STATE)/passwords.json.generated
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN ?= sqlite:///$(AIRFLOW_STATE)/airflow.db
export AIRFLOW__LOGGING__BASE_LOG_FOLDER := $(AIRFLOW_STATE)/logs
# The scheduler, API server and tasks sign and check tokens with one secret: made once per machine, never committed.
export AIRFLOW__API_AUTH__JWT_SECRET ?= $(shell umask 077 && mkdir -p $(AIRFLOW_STATE) && { test -s $(AIRFLOW_STATE)/jwt_secret \
  || python3 -c 'import secrets; print(secrets.token_hex(32))' > $(AIRFLOW_STATE)/jwt_secret; } && cat $(AIRFLOW_STATE)/jwt_secret)

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(STAMP) ## create or update .venv with the pinned dependencies

demo: setup ## sample data for the last 60 days, every night, every bulletin
	$(BIN)/python -m pipeline.cli demo --days $(DEMO_DAYS) $(if $(DEMO_END),--end $(DEMO_END))

test: setup browser postgres ## the whole test suite (what .ci/run calls)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

browser: ## Debian's Chromium for the browser test, installed when missing (no browser is downloaded by playwright)
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && \
	  { [ "$$(id -u)" = 0 ] && SUDO= || SUDO=sudo; \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; } \
	  || { echo "未找到 chromium：请安装 Debian 的 chromium 软件包"; exit 1; }

postgres: ## Debian's PostgreSQL server for the database-pull tests (they start their own on loopback), installed when missing
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { command -v apt-get >/dev/null && \
	  { [ "$$(id -u)" = 0 ] && SUDO= || SUDO=sudo; \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; } \
	  || { echo "未找到 PostgreSQL：请安装 Debian 的 postgresql 软件包"; exit 1; }

bench: setup ## national daily volume, measured against the targets; prints a table, writes JSON to BENCH_OUT
	$(BIN)/python -m pipeline.bench --out $(BENCH_OUT) --history-nights $(HISTORY_NIGHTS)

run: setup ## the nightly pipeline for DATE=YYYY-MM-DD (pulls database and HTTP sources; PULL=0 replays the landing zone)
	@test -n "$(DATE)" || { echo "用法：make run DATE=YYYY-MM-DD"; exit 2; }
	$(BIN)/python -m pipeline.cli run --date $(DATE) $(if $(filter 0,$(PULL)),--no-pull)

backfill: setup ## every night from START to END, then the weekly and monthly bulletins (PULL=1 pulls each night's window)
	@test -n "$(START)" -a -n "$(END)" || { echo "用法：make backfill START=YYYY-MM-DD END=YYYY-MM-DD"; exit 2; }
	$(BIN)/python -m pipeline.cli backfill --start $(START) --end $(END) $(if $(filter 1,$(PULL)),--pull)

reports: setup ## regenerate the bulletins due on DATE from the published marts
	@test -n "$(DATE)" || { echo "用法：make reports DATE=YYYY-MM-DD"; exit 2; }
	$(BIN)/python -m pipeline.cli reports --date $(DATE)

sample: setup ## generated deliveries START..END at SCALE=demo|province|national into LANDING_DIR
	@test -n "$(START)" -a -n "$(END)" || { echo "用法：make sample START=YYYY-MM-DD END=YYYY-MM-DD SCALE=demo"; exit 2; }
	$(BIN)/python -m pipeline.cli sample --start $(START) --end $(END) --scale $(SCALE)

airflow: setup ## Airflow (scheduler, API server, DAG processor, triggerer) with the repository's airflow.cfg
	mkdir -p $(AIRFLOW_STATE)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/airflow standalone

airflow-env: ## print the Airflow variables, for: eval "$$(make -s airflow-env)"
	@env | grep -E '^(AIRFLOW_HOME|AIRFLOW__|LANDING_DIR|WAREHOUSE_DIR|REPORTS_DIR)' | sed 's/^/export /'
	@echo 'export PATH=$(CURDIR)/$(BIN):$$PATH'

sql: setup ## an interactive, read-only SQL shell on the published marts
	$(BIN)/python -m pipeline.sql

docs: setup ## the data dictionary (dbt docs) as one offline page under REPORTS_DIR/docs
	$(BIN)/python -m pipeline.cli docs

clean: ## remove generated data, Airflow state and dbt artefacts (keeps .venv)
	rm -rf data .airflow dbt_project/target dbt_project/logs

evaluate: setup ## measure resolution and scheme detection against the sample generator's ground truth
	$(BIN)/python -m pipeline.evaluate

case: setup ## 个案专报 for one entity: make case ENTITY=<USCC or entity_id> → $(REPORTS_DIR)/cases/<ENTITY>.html
	@test -n "$(ENTITY)" || { echo "用法：make case ENTITY=统一社会信用代码或主体编号"; exit 2; }
	$(BIN)/python -m pipeline.cli case --entity $(ENTITY)

export-table: setup ## a published table as CSV or XLSX: make export-table TABLE=leads OUT=leads.xlsx
	@test -n "$(TABLE)" -a -n "$(OUT)" || { echo "用法：make export-table TABLE=表名 OUT=文件.csv|文件.xlsx"; exit 2; }
	$(BIN)/python -m pipeline.cli export $(TABLE) --out $(OUT)

hash-id: setup ## keyed hashes of the ID numbers on standard input, for seeds/organiser_blacklist.csv
	@$(BIN)/python -m pipeline.cli hash-id
