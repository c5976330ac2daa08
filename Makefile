# BookNest — two commands: `make run` serves it, `make test` tests it. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# `make run` is for a developer's machine: debug on unless the caller says otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test lint format schema check-schema bench lock clean migrate seed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# Stamps: reinstall only when a lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.installed

# GraphiQL's browser files, pinned in frontend/graphiql/package-lock.json and served by BookNest
# (no CDN). Without npm the page falls back to the same pinned files on unpkg.com.
GRAPHIQL_ASSETS := frontend/graphiql/static/graphiql/graphiql.min.js
$(GRAPHIQL_ASSETS): frontend/graphiql/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix frontend/graphiql --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: GraphiQL will load its files from unpkg.com (needs internet)"; \
	fi

# Serves with daphne, plus the import worker when imports are queued for one (REDIS_URL): one
# command, Ctrl-C stops both, either dying stops the other (booknest/serve.py, supervisor.py).
run: $(VENV)/.installed $(GRAPHIQL_ASSETS)
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  BookNest is starting at http://$(HOST):$(PORT)"
	@echo "    GraphQL + GraphiQL  http://$(HOST):$(PORT)/graphql"
	@echo "    Admin               http://$(HOST):$(PORT)/admin/"
	@echo "    Health              http://$(HOST):$(PORT)/healthz  http://$(HOST):$(PORT)/readyz"
	@echo "    Demo login          username: demo   password: booknest-demo (staff)"
	@echo ""
	$(RUN_ENV) exec $(BIN)/python -m booknest.serve -b $(HOST) -p $(PORT)

test: $(VENV)/.installed-dev $(GRAPHIQL_ASSETS)
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(VENV)/.installed
	DJANGO_DEBUG=true $(BIN)/python manage.py export_schema schema --path schema.graphql

# The bench-only extras (Django REST framework for the comparison, locust for load) go into the
# same virtualenv but never into the app's own lock files.
$(VENV)/.installed-bench: requirements-bench.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-bench.lock
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

# The six benchmarks of issue 10, then a summary table; `make bench BENCH="import_catalog"` runs
# named ones (the older: import_catalog, make_test, recommendations, media). Needs PostgreSQL
# (DATABASE_URL's server, default the local one) and Redis (REDIS_URL) for live and load.
bench: $(VENV)/.installed-bench $(GRAPHIQL_ASSETS)
	$(RUN_ENV) $(BIN)/python -m bench $(BENCH)

# Maintainers: re-resolve the pinned, hashed lock files from pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==0.13.9"
	$(BIN)/uv pip compile pyproject.toml --group bench --generate-hashes --python-version 3.11 --no-header -q -o requirements-bench.lock
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --no-header -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 --no-header -q -o requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
