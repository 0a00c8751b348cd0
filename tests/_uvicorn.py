"""uvicorn serving an ASGI app (Starlette, FastAPI) on 127.0.0.1 from a thread, for the tests.

The socket is bound here, on a port the operating system picks, so the URL is known before
uvicorn starts; `close()` asks uvicorn to exit and joins its thread.
"""

from __future__ import annotations

import socket
import threading
import time

STARTUP_TIMEOUT = 10.0


class UvicornServer:
    """uvicorn serving one ASGI app from a daemon thread on its own loopback socket."""

    def __init__(self, app) -> None:
        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            app, log_level="critical", access_log=False, lifespan="off", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
