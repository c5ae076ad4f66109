# Fresh machine: `make run` (portal on http://127.0.0.1:8000 with demo data) and `make test` (every test).
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test setup system-deps messages messages-update migrate lint bench-api bench-load bench-faults bench-webhooks bench-push bench-longpoll bench-phones serve-production serve-worker

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

system-deps:
	bash scripts/system-deps.sh $(SYSTEM_DEPS)

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

# Catalogs from the code: each string lands in the catalog beside it (an app's locale/, or the project's locale/ for
# lib/, portal/ and templates/); translate what comes out empty. Our wording of Django's and allauth's strings is in
# locale/overrides/ (Korean, and English where allauth writes "Sign Up"), kept by hand: makemessages never writes it.
messages-update: $(VENV)/.installed
	$(PY) manage.py makemessages -l ko --add-location=file --no-obsolete --ignore=var --ignore=staticfiles --ignore=test-artifacts -v0

setup: $(VENV)/.installed messages

migrate: setup
	$(PY) manage.py migrate --noinput -v0

run: SYSTEM_DEPS = run
run: system-deps migrate
	$(PY) manage.py load_demo
	PY=$(PY) PORT=$(PORT) bash scripts/run-dev.sh

test: SYSTEM_DEPS = test
test: system-deps setup
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Lint: ruff's rules, ruff's formatting, and the layers contract of pyproject.toml (import-linter).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Production: nginx in front of gunicorn, PostgreSQL and Redis, DEBUG off (see README, Deployment, for the variables).
serve-production: SYSTEM_DEPS = production
serve-production: system-deps setup
	bash scripts/serve-production.sh

# Production's task-queue worker: webhook deliveries and the periodic jobs (see README, Deployment).
serve-worker: setup
	bash scripts/serve-worker.sh

# The API against the durable floor (gunicorn + wrk), SQLite and PostgreSQL + Redis, 10 and 100,000 tokens (bench/README.md).
bench-api: SYSTEM_DEPS = bench
bench-api: system-deps setup
	$(PY) bench/api_bench.py

# A phone long-polling the device API: from a callback's answer to the phone having it, SQLite and PostgreSQL + Redis.
bench-longpoll: setup
	$(PY) bench/longpoll_bench.py

# Phones at scale: 10,000 phones held (streams, long polls) on serve-production's layout, PostgreSQL + Redis; 1,000 calls to them.
bench-phones: SYSTEM_DEPS = bench
bench-phones: system-deps setup
	$(PY) bench/phones_bench.py

# Load on the API with the books balanced: runserver on SQLite, then gunicorn on PostgreSQL (cbn_load) and Redis.
bench-load: setup
	$(PY) bench/load.py --database sqlite
	$(PY) bench/load.py --database postgres

# Webhooks on PostgreSQL (cbn_webhooks_bench) and Redis: state change to receiver with 1 and 4 workers, the API's cost.
bench-webhooks: setup
	$(PY) bench/webhooks_bench.py

# Pushes: call requests to devices of mixed kinds, real workers, the FCM/APNs/Web Push stand-ins (PostgreSQL + Redis).
bench-push: setup
	$(PY) bench/push_bench.py

# Redis, then PostgreSQL, stopped and restarted under load (own throwaway instances on free ports).
bench-faults: setup
	$(PY) bench/faults.py
