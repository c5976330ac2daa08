"""compose.yml scales: `docker compose up --scale app=3` needs an app that publishes no host port,
a proxy that finds every replica by the service's name, and an app that trusts that proxy.
(The proxy's configuration itself runs for real in tests/e2e/test_proxy.py.)"""

import yaml

from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_app_publishes_no_port_so_replicas_do_not_clash():
    app = SERVICES["app"]
    assert "ports" not in app
    assert app["environment"]["DJANGO_BEHIND_PROXY"] == "true"


def test_the_proxy_is_the_way_in_and_resolves_every_replica_of_the_app():
    proxy = SERVICES["proxy"]
    assert proxy["ports"] == ["${BOOKNEST_PORT:-8000}:80"]
    port = SERVICES["app"]["command"][SERVICES["app"]["command"].index("-p") + 1]
    assert proxy["environment"]["BOOKNEST_UPSTREAM"] == f"app:{port}"
    assert proxy["environment"]["BOOKNEST_RESOLVER"] == "127.0.0.11"  # Docker's embedded DNS
    assert proxy["environment"]["BOOKNEST_LISTEN"] == "80"
    assert (ROOT / proxy["build"] / "booknest.conf.template").is_file()


def test_migrations_run_once_before_any_replica_starts():
    app = SERVICES["app"]
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "MIGRATE_ON_START" not in app["environment"]  # the image's default: off
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
