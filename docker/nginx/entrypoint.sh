#!/bin/sh
# The proxy's entrypoint: renders booknest.conf.template into nginx's configuration with the
# BOOKNEST_* variables below, then execs the command (nginx in the foreground by default).
# tests/e2e/test_proxy.py runs this script too, with its own paths and local addresses.
set -eu

: "${BOOKNEST_UPSTREAM:=app:8000}"   # the app's host:port; every address of the host is used
: "${BOOKNEST_RESOLVER:=127.0.0.11}" # Docker's embedded DNS: it knows every replica of `app`
: "${BOOKNEST_LISTEN:=80}"
: "${BOOKNEST_NGINX_TEMPLATE:=/etc/nginx/booknest.conf.template}"
: "${BOOKNEST_NGINX_CONF:=/etc/nginx/booknest.conf}"

for value in "$BOOKNEST_UPSTREAM" "$BOOKNEST_RESOLVER" "$BOOKNEST_LISTEN"; do
    case "$value" in
        "" | *[!A-Za-z0-9.:_-]*)
            echo "booknest-proxy: BOOKNEST_UPSTREAM, BOOKNEST_RESOLVER and BOOKNEST_LISTEN must be host:port, address or port values; got '$value'" >&2
            exit 64
            ;;
    esac
done

# Only these three names are substituted: nginx's own $variables stay as they are.
sed -e "s|\${BOOKNEST_UPSTREAM}|$BOOKNEST_UPSTREAM|g" \
    -e "s|\${BOOKNEST_RESOLVER}|$BOOKNEST_RESOLVER|g" \
    -e "s|\${BOOKNEST_LISTEN}|$BOOKNEST_LISTEN|g" \
    "$BOOKNEST_NGINX_TEMPLATE" >"$BOOKNEST_NGINX_CONF"

exec "$@"
