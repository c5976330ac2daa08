"""A real SMTP server for tests (aiosmtpd), on a free port, with EMAIL_URL pointed at it.

`smtp_server` (a fixture, registered in tests/conftest.py) starts one per test and sets the
EMAIL_* settings from `EMAIL_URL=smtp://127.0.0.1:<port>`, exactly as booknest/settings.py
parses it; the messages it receives are parsed into `Received` mails.
"""

import logging
import re
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s\"<>]+\?token=[A-Za-z0-9_\-]+")


@dataclass
class Received:
    """One message as the SMTP server got it: envelope recipients and the parsed message."""

    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        """The text of the `text/<subtype>` part (fails the test when there is none)."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_subtype() == subtype, self.message
        return body.get_content()

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def link(self) -> str:
        """The one link with a token, the same in both parts."""
        in_text = set(LINK.findall(self.text))
        in_html = set(LINK.findall(self.html))
        assert len(in_text) == 1 and in_text == in_html, (in_text, in_html)
        return in_text.pop()

    def token(self) -> str:
        return self.link().rpartition("?token=")[2]


class _Handler:
    def __init__(self, server: "SMTPServer"):
        self.server = server

    async def handle_DATA(self, server, session, envelope):
        if self.server.delay:
            time.sleep(self.server.delay)  # a slow mail server (blocks this server's loop only)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.server.lock:
            self.server.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd on 127.0.0.1:<a free port>, in a thread of its own."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SMTPServer":
        # aiosmtpd logs every SMTP command at INFO: noise in a failing test's output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first `count` messages, waiting for them to arrive (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received[:count])
            time.sleep(0.02)
        raise AssertionError(f"expected {count} emails, got {len(self.received)}")

    def settled(self) -> list[Received]:
        """Every message received once the emails handed to the sender so far are sent."""
        from apps.accounts import emails

        emails.drain()
        with self.lock:
            return list(self.received)

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
