"""daphne: close a WebSocket with the reason the application gave; leave request bodies to
the application.

ASGI's `websocket.close` event carries a `reason` (Channels' `close(code, reason)` sends it), but
daphne passes only the code to autobahn (django/daphne#374, open): clients saw 4403 with an empty
reason, and could not tell "your session was revoked" from "your token expired"
(apps/accounts/live_connections.py). `pass_close_reasons` makes daphne's protocol send the reason
in the close frame, through autobahn's public `sendClose(code, reason)`; daphne's own
`handle_reply` still handles every other event. Pinned by tests/internals/test_daphne.py and
the live WebSocket tests.
"""


def pass_close_reasons() -> None:
    """Patch daphne's WebSocket protocol once per process (nothing when daphne is absent)."""
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:  # served by another ASGI server, which sends reasons itself
        return
    original = WebSocketProtocol.handle_reply
    if getattr(original, "passes_close_reasons", False):
        return

    def handle_reply(self, message):
        reason = message.get("reason") if message.get("type") == "websocket.close" else None
        if reason and self.state != self.STATE_CONNECTING:
            code = message.get("code")
            self.sendClose(code=1000 if code is None else code, reason=reason)
            return
        original(self, message)

    handle_reply.passes_close_reasons = True
    WebSocketProtocol.handle_reply = handle_reply


def leave_bodies_to_the_application() -> None:
    """Make daphne's requests skip Twisted's own parsing of POST form bodies (once per process).

    Twisted's `Request` parses a URL-encoded or multipart POST body into `request.args` unless
    it is built with `parsePOSTFormSubmission=False`; daphne never reads `args` — it hands the
    raw body to the application, which parses it (Django's multipart parser for uploads) — so
    the parsing was work done twice for an upload, and for every other POST a Content-Type
    header parsed through `email.message` for nothing (3–4 % of the server's time on the book
    page). Pinned by tests/internals/test_daphne.py.
    """
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:
        return
    original = WebRequest.__init__
    if getattr(original, "leaves_bodies", False):
        return

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parsePOSTFormSubmission", False)
        original(self, *args, **kwargs)

    __init__.leaves_bodies = True
    WebRequest.__init__ = __init__
