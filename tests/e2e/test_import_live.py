"""Library imports across processes: a live daphne server (real multipart upload, the embedded
thread runner, progress over a WebSocket, failed rows through `importJob`), and the Redis-fed
`import_worker` process (`runworker imports` plus a sweeper). Both start from one migrated,
seeded SQLite file, copied for each test.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from tests.conftest import ROOT
from tests.e2e.server import BIN, free_port, live_server, server_env
from tests.e2e.ws_client import TIMEOUT, WSClient, http_graphql

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SEED = """
import json
from django.contrib.auth import get_user_model
from apps.accounts.tokens import create_access_token
user = get_user_model().objects.create_user("importer", email="importer@example.com")
print(json.dumps({"token": create_access_token(user)[0]}))
"""
IMPORT = """mutation ($f: Upload!) {
  importLibrary(file: $f) { job { id status totalRows } errors { code message } } }"""
PROGRESS = """subscription ($j: ID!) {
  importProgress(jobId: $j) { status processedRows failedCount finished } }"""
JOB = """query ($j: ID!) { importJob(id: $j) {
  status createdCount failedCount failedRows(first: 5) { edges { node { rowNumber reason } } } } }"""
ROWS = 3000


def post_file(base_url: str, token: str, content: bytes) -> dict:
    """A GraphQL multipart request (operations, map, the file), as Apollo's upload link sends."""
    boundary = uuid.uuid4().hex
    parts = [
        ("operations", json.dumps({"query": IMPORT, "variables": {"f": None}}).encode(), None),
        ("map", json.dumps({"0": ["variables.f"]}).encode(), None),
        ("0", content, "library.csv"),
    ]
    body = b""
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        body += b"Content-Type: text/csv\r\n" if filename else b""
        body += b"\r\n" + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{base_url}/graphql",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {token}",
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return json.loads(response.read())


def library_file() -> bytes:
    lines = ["Book Id,Title,Author,Exclusive Shelf,My Rating"]
    for n in range(1, ROWS + 1):
        rating = "nine" if n % 1000 == 0 else str(n % 6)  # rows 1000, 2000, 3000 are bad
        lines.append(f"{n},Live Book {n},Writer {n % 40},read,{rating}")
    return ("\n".join(lines) + "\n").encode()


def environment(folder, **overrides) -> dict[str, str]:
    return server_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_SECRET_KEY="import-live-tests-only",
        DJANGO_DEBUG="false",
        **overrides,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """(folder, token): a migrated database with one reader, and that reader's access token."""
    folder = tmp_path_factory.mktemp("imports-template")
    env = environment(folder)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return folder, json.loads(seeded.stdout.strip().splitlines()[-1])["token"]


@pytest.fixture
def copied(template, tmp_path):
    """(folder, token) of a fresh copy of the template database."""
    shutil.copy(template[0] / "db.sqlite3", tmp_path / "db.sqlite3")
    return tmp_path, template[1]


def test_import_progress_reaches_the_owner_while_the_job_runs(copied):
    folder, token = copied
    env = environment(folder, IMPORT_BATCH_SIZE="50")  # 60 batches: progress has time to show
    env.pop("REDIS_URL", None)  # embedded defaults: thread runner, in-memory channel layer
    port = free_port()
    command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
    with live_server([*command, "booknest.asgi:application"], env, port) as url:
        with WSClient.as_user(url, token) as ws:
            payload = post_file(url, token, library_file())["data"]["importLibrary"]
            assert payload["errors"] == []
            job_id = payload["job"]["id"]
            assert (payload["job"]["status"], payload["job"]["totalRows"]) == ("PENDING", ROWS)
            ws.subscribe("p", PROGRESS, {"j": job_id})
            events = [ws.next_data("p")["importProgress"]]
            while not events[-1]["finished"]:
                events.append(ws.next_data("p")["importProgress"])
        done = [e["processedRows"] for e in events]
        assert done == sorted(done) and len(events) >= 2, events
        assert events[-1] == {
            "status": "SUCCEEDED",
            "processedRows": ROWS,
            "failedCount": 3,
            "finished": True,
        }
        job = http_graphql(url, JOB, {"j": job_id}, token)["importJob"]
        assert (job["status"], job["createdCount"], job["failedCount"]) == ("SUCCEEDED", 2997, 3)
        assert [e["node"]["rowNumber"] for e in job["failedRows"]["edges"]] == [1000, 2000, 3000]
        assert "My Rating 'nine'" in job["failedRows"]["edges"][0]["node"]["reason"]


# Run in a process of its own (the test's settings and database are not the worker's): queue
# an import of a 1,200-row file, and leave a job whose runner "died" after 300 rows an hour ago;
# print both ids.
QUEUE = """
from datetime import timedelta
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.auth import get_user_model
from django.utils import timezone
from apps.imports.jobs import start_import
from apps.imports.models import ImportJob
rows = "\\n".join(f"{n},Book {n},Writer {n % 50},to-read,0" for n in range(1200))
text = "Book Id,Title,Author,Exclusive Shelf,My Rating\\n" + rows + "\\n"
user = get_user_model().objects.get(username="importer")
queued = start_import(user, SimpleUploadedFile("lib.csv", text.encode()))
other = get_user_model().objects.create_user("stalled", email="stalled@example.com")
stalled = ImportJob(user=other, format="goodreads", status="running", total_rows=1200,
                    processed_rows=300, skipped_count=300, attempts=1,
                    heartbeat_at=timezone.now() - timedelta(hours=1))
stalled.file.save("stalled.csv", ContentFile(text.encode()))
print(queued.pk, stalled.pk)
"""
STATE = (
    "SELECT status, processed_rows, created_count, failed_count FROM imports_importjob WHERE id = ?"
)


def shell(env, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the worker needs REDIS_URL")
def test_import_worker_runs_queued_jobs_and_resumes_stalled_ones(copied):
    folder, _token = copied
    database = folder / "db.sqlite3"
    env = environment(folder, IMPORT_RUNNER="worker", IMPORT_BATCH_SIZE="200")
    queued, stalled = shell(env, QUEUE).split()  # the queued job's message waits in Redis
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "import_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        states = {}
        while time.monotonic() < deadline:
            with sqlite3.connect(database) as db:  # the worker's database, read directly
                for job_id in (queued, stalled):
                    row = db.execute(STATE, [int(job_id)]).fetchone()
                    states[job_id] = " ".join(str(v) for v in row)
            if all(s.split()[0] in {"succeeded", "failed"} for s in states.values()):
                break
            time.sleep(0.2)
        assert states[queued] == "succeeded 1200 1200 0"
        # Resumed by the worker's sweep on start: rows 301-1200 only (the first 300 "committed").
        assert states[stalled] == "succeeded 1200 900 0"
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=15)


WAITING = """subscription ($j: ID!) {
  importProgress(jobId: $j) { status processedRows finished waitingForWorker } }"""


def test_a_job_no_worker_takes_says_so_live_and_runs_once_one_starts(copied):
    """Imports queued for workers (IMPORT_RUNNER=worker) with none running: after
    IMPORT_WAITING_FOR_WORKER_AFTER the subscriber hears `waitingForWorker` without any other
    change; with Redis, a worker then started runs the job and the flag clears."""
    folder, token = copied
    redis = bool(os.environ.get("REDIS_URL"))
    env = environment(folder, IMPORT_RUNNER="worker", IMPORT_WAITING_FOR_WORKER_AFTER="2")
    if not redis:  # the queue is the server's in-memory layer: no worker can ever reach it
        env.pop("REDIS_URL", None)
    port = free_port()
    command = [f"{ROOT}/.venv/bin/daphne", "-b", "127.0.0.1", "-p", str(port)]
    server = live_server([*command, "booknest.asgi:application"], env, port)
    with server as url, WSClient.as_user(url, token) as ws:
        lines = ["Book Id,Title,Author,Exclusive Shelf,My Rating"]
        lines += [f"{n},Waiting Book {n},Writer {n},read,4" for n in range(1, 11)]
        payload = post_file(url, token, "\n".join(lines).encode())["data"]["importLibrary"]
        job_id = payload["job"]["id"]
        ws.subscribe("p", WAITING, {"j": job_id})
        first = ws.next_data("p")["importProgress"]
        assert first["status"] == "PENDING" and first["waitingForWorker"] is False
        second = ws.next_data("p")["importProgress"]
        assert second == {
            "status": "PENDING",
            "processedRows": 0,
            "finished": False,
            "waitingForWorker": True,
        }
        query = "query ($j: ID!) { importJob(id: $j) { status waitingForWorker } }"
        job = http_graphql(url, query, {"j": job_id}, token)["importJob"]
        assert job == {"status": "PENDING", "waitingForWorker": True}
        if not redis:
            return
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "import_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            events = [ws.next_data("p")["importProgress"]]
            while not events[-1]["finished"]:
                events.append(ws.next_data("p")["importProgress"])
        finally:
            os.killpg(worker.pid, 15)
            worker.wait(timeout=15)
        assert events[-1] == {
            "status": "SUCCEEDED",
            "processedRows": 10,
            "finished": True,
            "waitingForWorker": False,
        }
