"""A local stand-in for OpenSearch: records each request and replays recorded responses.

`FakeOpenSearch.replay(status, body, delay=…)` queues the answer to the next request (FIFO);
with nothing queued it answers 200 `{}`. Each request is recorded as (method, path, body),
the body decoded from JSON, or from NDJSON into a list for `_bulk`.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    server: "FakeOpenSearch"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if raw and self.path.split("?")[0].endswith("/_bulk"):
            body = [json.loads(line) for line in raw.splitlines() if line.strip()]
        else:
            body = json.loads(raw) if raw else None
        self.server.requests.append((self.command, self.path, body))
        status, payload, delay = self.server.next_response()
        if delay:
            time.sleep(delay)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer


class FakeOpenSearch(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, object]] = []
        self._responses: list[tuple[int, object, float]] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def replay(self, status: int, body: object, *, delay: float = 0) -> "FakeOpenSearch":
        with self._lock:
            self._responses.append((status, body, delay))
        return self

    def next_response(self) -> tuple[int, object, float]:
        with self._lock:
            return self._responses.pop(0) if self._responses else (200, {}, 0)

    def __enter__(self) -> "FakeOpenSearch":
        threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
