"""A real HTTP receiver on localhost for the webhook tests: records every request, answers as told."""

import http.server
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict
    body: str
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic)


@dataclass
class Receiver:
    """Serves on 127.0.0.1 in a thread. status/delay/body/location set how it answers the next requests;
    port (a free one by default) lets a receiver come back up on the address of one that was down."""

    status: int = 200
    delay: float = 0.0
    body: bytes = b"ok"
    location: str = ""
    received: list = field(default_factory=list)
    port: int = 0

    def __post_init__(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                text = self.rfile.read(length).decode("utf-8")
                receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, text))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                try:
                    self.wfile.write(receiver.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received
