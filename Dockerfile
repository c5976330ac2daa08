# BookNest: daphne serving the one GraphQL API (HTTP + WebSockets) on port 8000.
#   docker build -t booknest .    then see compose.yml for PostgreSQL + Redis.
# Builder and runtime share one base, so the venv's interpreter path stays valid after the copy.
ARG PYTHON_IMAGE=python:3.11.17-slim-bookworm

# --- builder: the pinned, hashed dependencies in a venv ------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1

COPY requirements.lock /tmp/requirements.lock
# Wheels only: every locked package ships a manylinux wheel, so no compiler is needed anywhere,
# and a package that silently fell back to a source build would fail here instead.
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes --only-binary=:all: \
        -r /tmp/requirements.lock

# --- graphiql: GraphiQL's pinned browser files (npm ci copies them to static/graphiql/) --------
# Served by BookNest itself, so GraphiQL works with no internet; no Node in the final image.
FROM node:20.20-bookworm-slim AS graphiql
WORKDIR /build
COPY frontend/graphiql/package.json frontend/graphiql/package-lock.json \
    frontend/graphiql/copy-assets.mjs ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- runtime: the venv, the code, a non-root user ------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=false \
    MIGRATE_ON_START=false

# A fixed uid/gid, so volume ownership is the same on every host and in every rebuild.
RUN groupadd --system --gid 10001 booknest \
    && useradd --system --uid 10001 --gid booknest --no-log-init --no-create-home \
        --home-dir /app --shell /usr/sbin/nologin booknest

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# The code stays root-owned (read-only for the server); only media/ is the server's to write.
COPY . /app
COPY --from=graphiql /build/static /app/frontend/graphiql/static
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/booknest-entrypoint

# Static files are collected once, at build time, into whitenoise's compressed manifest storage.
# The secret key below is a throwaway that exists only for this command (settings refuse to load
# without one when DEBUG is off); the real one comes from the environment at run time.
# The code is byte-compiled here because the server cannot write next to it.
RUN DJANGO_SECRET_KEY=collectstatic-build-only-not-a-secret DJANGO_DEBUG=false \
        python manage.py collectstatic --no-input --verbosity 0 \
    && python -m compileall -q /app \
    && install -d -o booknest -g booknest -m 0755 /app/media

USER 10001:10001
EXPOSE 8000

# Liveness only (/healthz does not touch the database). The Host header is the first of
# DJANGO_ALLOWED_HOSTS, so the probe is not refused as a disallowed host in production.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h if h not in ('', '*') else 'localhost'}), timeout=4)"]

ENTRYPOINT ["booknest-entrypoint"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "booknest.asgi:application"]
