"""A phone's end of GET /device/v1/events for the tests: the stream read on a thread, its events handed over one by
one with a deadline, as an app's EventSource would see them. A plain socket, so that hanging up (close()) is
immediate, as a phone losing its connection is."""

import json
import queue
import socket
import threading
import time
from urllib.parse import urlencode, urlsplit

from requests.structures import CaseInsensitiveDict

ENDED = object()


class Answer:
    """The status, headers and (for a refusal) the JSON body of the stream's answer."""

    def __init__(self, status_code, headers, body=b""):
        self.status_code, self.headers, self.body = status_code, headers, body

    def json(self):
        return json.loads(self.body)


class EventStream:
    def __init__(self, base_url, plaintext=None, params=None, headers=None):
        headers = dict(headers or {})
        if plaintext:
            headers["Authorization"] = f"Bearer {plaintext}"
        address = urlsplit(base_url)
        self.socket = socket.create_connection((address.hostname, address.port), timeout=10)
        target = "/device/v1/events" + (f"?{urlencode(params)}" if params else "")
        lines = [f"GET {target} HTTP/1.1", f"Host: {address.netloc}", "Accept: text/event-stream"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.socket.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.reader = self.socket.makefile("rb")
        self.response = self._answer()
        self.items = queue.Queue()
        if self.response.status_code == 200:
            self.socket.settimeout(None)
            threading.Thread(target=self._read, daemon=True).start()

    def _answer(self):
        status = int(self.reader.readline().split()[1])
        headers = CaseInsensitiveDict()
        while (line := self.reader.readline().decode("latin-1").strip()) != "":
            name, _colon, value = line.partition(":")
            headers[name.strip()] = value.strip()
        answer = Answer(status, headers)
        if status != 200:
            answer.body = (
                b"".join(self._chunks(answer))
                if "Content-Length" not in headers
                else self.reader.read(int(headers["Content-Length"]))
            )
        return answer

    def _chunks(self, answer):
        while size := int(self.reader.readline().strip() or b"0", 16):
            yield self.reader.read(size)
            self.reader.readline()

    def _read(self):
        fields = {}
        try:
            for raw in self._lines():
                line = raw.decode().rstrip("\r\n")
                if line.startswith(":"):
                    self.items.put({"comment": line[1:].strip()})
                elif line:
                    name, _colon, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                elif fields.get("event"):
                    self.items.put({**fields, "data": json.loads(fields["data"]), "read_at": time.monotonic()})
                    fields = {}
        except (OSError, ValueError):
            pass
        self.items.put(ENDED)

    def _lines(self):
        """The body's lines, through HTTP/1.1's chunked coding when the server uses it."""
        if self.response.headers.get("Transfer-Encoding", "").lower() != "chunked":
            yield from iter(self.reader.readline, b"")
            return
        pending = b""
        for chunk in self._chunks(self.response):
            pending += chunk
            *complete, pending = pending.split(b"\n")
            yield from (line + b"\n" for line in complete)

    def next(self, timeout=5, comments=False):
        """The next event (or comment), ENDED when the server closed the stream; AssertionError after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"nothing on the stream within {timeout} s") from None
            if item is ENDED or comments or "comment" not in item:
                return item

    def events(self, count, timeout=5):
        return [self.next(timeout) for _ in range(count)]

    def close(self):
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.socket.close()
