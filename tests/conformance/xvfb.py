"""A private X display (Xvfb) for browsers that need one, and stopping process groups by PID.

Xvfb picks a free display number itself (-displayfd) so parallel runs never collide, listens on
no TCP port, and is stopped by the PID we started. Browser processes are started in their own
session (start_new_session=True), so stop_group() ends a driver, the browser it launched and the
browser's helper processes by that one PID, without touching anybody else's processes.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from contextlib import suppress

XVFB = "Xvfb"
START_TIMEOUT_S = 10.0


def stop_group(proc: subprocess.Popen, grace_s: float = 5.0) -> None:
    """SIGTERM, then SIGKILL, the process group led by `proc` (started with start_new_session)."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, grace_s)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with suppress(ProcessLookupError):  # helpers (web and network processes) can outlive the leader
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.wait(grace_s)


class Xvfb:
    """`with Xvfb() as display:` a running virtual display; `display` is ":N"."""

    def __init__(self, geometry: str = "1280x1024x24"):
        self.geometry = geometry
        self.display: str | None = None
        self._proc: subprocess.Popen | None = None

    def start(self) -> str:
        read_end, write_end = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [XVFB, "-displayfd", str(write_end), "-screen", "0", self.geometry, "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_end,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            os.close(write_end)
            write_end = -1
            self.display = ":" + self._read_display(read_end)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(read_end)
            if write_end != -1:
                os.close(write_end)
        return self.display

    def _read_display(self, fd: int) -> str:
        """Xvfb writes the display number and a newline to the -displayfd pipe once it is ready."""
        deadline = time.monotonic() + START_TIMEOUT_S
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise RuntimeError(f"Xvfb did not report a display within {START_TIMEOUT_S:.0f} s")
            chunk = os.read(fd, 64)
            if not chunk:
                raise RuntimeError(f"Xvfb exited (code {self._proc.poll()}) before it was ready")
            data += chunk
        return data.decode("ascii").strip()

    def stop(self) -> None:
        if self._proc is not None:
            stop_group(self._proc)
            self._proc = None
        self.display = None

    def __enter__(self) -> str:  # the display, which is what callers need
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
