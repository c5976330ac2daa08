#!/bin/sh
# Container entrypoint: optionally migrate the database, then exec the command (daphne by default).
# MIGRATE_ON_START=true suits a single instance (compose); with several replicas, run
# `python manage.py migrate --no-input` once as a release step and leave it false.
set -eu

case "$(printf '%s' "${MIGRATE_ON_START:-false}" | tr '[:upper:]' '[:lower:]')" in
    1 | true | yes | on)
        echo "booknest-entrypoint: applying database migrations" >&2
        python manage.py migrate --no-input
        ;;
    0 | false | no | off | "") ;;
    *)
        echo "booknest-entrypoint: MIGRATE_ON_START: expected true/false, got '${MIGRATE_ON_START}'" >&2
        exit 64
        ;;
esac

exec "$@"
