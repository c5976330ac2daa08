"""A stand-in Open Library: http.server in a thread, replaying recorded responses.

Besides the recorded answers it misbehaves on purpose for some ISBNs: unknown (404), failing
(503 a given number of times before answering), slow (longer than the client's timeout) and
malformed (not JSON). Every request is kept, with its headers, for the tests to inspect.
"""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

RECORDED = Path(__file__).with_name("recorded")


def isbn13(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


DUNE = "9780441013593"
MORT = "9780552131063"
UNKNOWN = isbn13("978000000001")
FLAKY = isbn13("978000000002")
SLOW = isbn13("978000000003")
MALFORMED = isbn13("978000000004")
DOWN = isbn13("978000000005")


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


class FakeOpenLibrary:
    def __init__(self, flaky_failures: int = 1, slow_seconds: float = 2.0):
        self.requests: list[tuple[str, dict]] = []
        self.flaky_left = flaky_failures
        self.slow_seconds = slow_seconds
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                fake.requests.append((self.path, dict(self.headers)))
                status, body, headers = fake.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # fails when the client gave up (timeout)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def answer(self, path: str) -> tuple[int, bytes, dict]:
        url = urlparse(path)
        json_type = {"Content-Type": "application/json"}
        if url.path == f"/isbn/{DUNE}.json":
            return 302, b"", {"Location": "/books/OL7353617M.json"}
        if url.path == "/books/OL7353617M.json":
            return 200, recorded("edition_OL7353617M.json"), json_type
        if url.path == "/authors/OL79034A.json":
            return 200, recorded("author_OL79034A.json"), json_type
        if url.path == f"/isbn/{FLAKY}.json":
            if self.flaky_left > 0:
                self.flaky_left -= 1
                return 503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"}
            return 302, b"", {"Location": "/books/OL7353617M.json"}
        if url.path in (f"/isbn/{DOWN}.json",):
            return 500, b"Internal Server Error", {}
        if url.path == f"/isbn/{SLOW}.json":
            time.sleep(self.slow_seconds)
            return 302, b"", {"Location": "/books/OL7353617M.json"}
        if url.path == f"/isbn/{MALFORMED}.json":
            return 200, b'{"title": "Dune", "authors": [', json_type
        if url.path == "/api/books":
            keys = parse_qs(url.query).get("bibkeys", [""])[0].split(",")
            data = json.loads(recorded("api_books_data.json"))
            return 200, json.dumps({k: data[k] for k in keys if k in data}).encode(), json_type
        if url.path == "/search.json":
            return 200, recorded("search_dune.json"), json_type
        return 404, b'{"error": "notfound", "key": "' + url.path.encode() + b'"}', json_type
