"""GraphiQL in headless Chromium: served offline by BookNest, runs a query and a subscription.

Needs Debian's `chromium` (/usr/bin/chromium; CI installs it) and node + npm (playwright-core,
installed with GraphiQL's files by `npm ci` in frontend/graphiql); skips cleanly without them.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tests.e2e.server import BIN, free_port, live_server, server_env

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.tools("chromium", "node", "npm"),
]

CHROMIUM = Path("/usr/bin/chromium")
FRONTEND = ROOT / "frontend" / "graphiql"
SCRIPT = Path(__file__).resolve().parent / "graphiql" / "browser.mjs"


@pytest.fixture(scope="module")
def node():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    if not node or not npm:
        pytest.skip("node and npm are needed to drive Chromium")
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True, capture_output=True
        )
    return node


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("graphiql")
    env = server_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DJANGO_DEBUG="true",  # GraphiQL on; static files served from their folders
        EMAIL_URL="locmem://",
    )
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.e2e.ws_seed"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
    with live_server([*command, "booknest.asgi:application"], env, port) as url:
        yield url, json.loads(seeded.stdout)


def test_graphiql_runs_a_query_and_a_subscription_without_other_hosts(node, server):
    url, seed = server
    token = seed["users"]["bob"]["token"]
    completed = subprocess.run(
        [node, str(SCRIPT), url, seed["book"], token],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert "error" not in report, report
    assert "Live Book" in report["query"]
    assert report["mutation"]["data"] == {"rateBook": {"errors": []}}
    assert "errors" not in report["mutation"]
    assert '"value": 4.5' in report["subscription"].replace("\xa0", " ")
    # Everything came from BookNest itself: no CDN, no other host.
    here = urlsplit(url).netloc
    assert report["requests"] and report["websockets"]
    assert {urlsplit(u).netloc for u in report["requests"] + report["websockets"]} == {here}
