"""Pins the daphne internals of `booknest/internals/daphne.py`."""

from daphne.ws_protocol import WebSocketProtocol

from booknest.internals.daphne import pass_close_reasons


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
