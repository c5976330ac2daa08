"""Pins the daphne internals of `booknest/internals/daphne.py`."""

from daphne.ws_protocol import WebSocketProtocol

from booknest.internals.daphne import leave_bodies_to_the_application, pass_close_reasons


def protocol_recording_closes() -> tuple[WebSocketProtocol, list]:
    protocol = WebSocketProtocol.__new__(WebSocketProtocol)  # no connection behind it
    protocol.state = WebSocketProtocol.STATE_OPEN
    closes = []
    protocol.sendClose = lambda code=None, reason=None: closes.append((code, reason))
    return protocol, closes


def test_a_close_with_a_reason_sends_the_reason():
    pass_close_reasons()
    pass_close_reasons()  # once per process, however often asked
    protocol, closes = protocol_recording_closes()
    protocol.handle_reply({"type": "websocket.close", "code": 4403, "reason": "Forbidden: x"})
    protocol.handle_reply({"type": "websocket.close", "reason": "bye"})
    assert closes == [(4403, "Forbidden: x"), (1000, "bye")]


def test_a_close_without_a_reason_is_daphnes_own():
    pass_close_reasons()
    protocol, closes = protocol_recording_closes()
    protocol.handle_reply({"type": "websocket.close", "code": 4408})
    assert closes == [(4408, None)]  # daphne's serverClose: sendClose(code=...)


def a_posted_form(body: bytes):
    """A daphne request that received a URL-encoded POST (processing it recorded, not run)."""
    from daphne.http_protocol import WebRequest
    from twisted.web.test.requesthelper import DummyChannel

    class Server:
        def protocol_connected(self, protocol):
            pass

    class Recorded(WebRequest):
        def process(self):
            self.processed = True

    channel = DummyChannel()
    channel.factory = type("Factory", (), {"server": Server()})()
    request = Recorded(channel)
    request.requestHeaders.setRawHeaders(b"Content-Type", [b"application/x-www-form-urlencoded"])
    request.gotLength(len(body))
    request.handleContentChunk(body)
    request.requestReceived(b"POST", b"/graphql", b"HTTP/1.1")
    return request


def test_daphne_leaves_a_posted_form_to_the_application():
    leave_bodies_to_the_application()
    leave_bodies_to_the_application()  # once per process, however often asked
    request = a_posted_form(b"query=%7B__typename%7D")
    assert request.processed
    assert request.args == {}  # Twisted parsed nothing
    assert request.content.read() == b"query=%7B__typename%7D"  # the body, whole, for ASGI
