"""A DNS server on 127.0.0.1 (UDP) that answers one name with several A records, as Docker's
embedded DNS (127.0.0.11) answers a scaled service's name with the address of every replica.
Only what a resolver such as nginx's asks: A queries; any other type gets no answer records,
any other name NXDOMAIN."""

import socket
import struct
import threading


class ServiceDNS:
    def __init__(self, name: str, addresses: list[str], ttl: int = 5):
        self.name = name.lower().rstrip(".")
        self.records = [socket.inet_aton(address) for address in addresses]
        self.ttl = ttl
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.address = "{}:{}".format(*self.sock.getsockname())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "ServiceDNS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                query, peer = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            try:
                self.sock.sendto(self.answer(query), peer)
            except (struct.error, IndexError, UnicodeDecodeError):
                continue  # not a query this server understands: no answer, as a real one
            self.queries += 1

    def answer(self, query: bytes) -> bytes:
        ident, flags = struct.unpack("!HH", query[:4])
        labels, end = [], 12
        while query[end]:
            length = query[end]
            labels.append(query[end + 1 : end + 1 + length].decode("ascii"))
            end += 1 + length
        qtype, _ = struct.unpack("!HH", query[end + 1 : end + 5])
        question = query[12 : end + 5]
        known = ".".join(labels).lower() == self.name
        answers = b""
        if known and qtype == 1:  # A
            # Name: a pointer to the question's (offset 12); type A, class IN, TTL, 4 bytes.
            answers = b"".join(
                struct.pack("!HHHIH", 0xC00C, 1, 1, self.ttl, 4) + record for record in self.records
            )
        count = len(self.records) if answers else 0
        # A response (QR), authoritative (AA), the query's RD, recursion available (RA);
        # rcode 0 (no error) or 3 (no such name).
        reply_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | (0 if known else 3)
        header = struct.pack("!HHHHHH", ident, reply_flags, 1, count, 0, 0)
        return header + question + answers
