"""granian serving Maillage's WSGI application over loopback, for benchmarks."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from django.conf import settings

from maillage.bench.registry import BenchmarkError

PROJECT_DIR = Path(settings.PROJECT_DIR)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """granian serving maillage.wsgi on a free loopback port, in its own process group."""

    host = "127.0.0.1"

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        threads: int = 1,
        log_path: Path,
        log: Callable[[str], None],
    ) -> None:
        self.env = dict(env)
        self.threads = threads
        self.log_path = log_path
        self.log = log
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", self.host,
            "--port", str(self.port),
            "--workers", "1",
            "--blocking-threads", str(self.threads),
            "--http", "1",
            "--log-level", "error",
            "--working-dir", str(PROJECT_DIR),
            "maillage.wsgi:application",
        ]  # fmt: skip

    def start(self, timeout: float = 60) -> ServerProcess:
        for _attempt in range(3):  # another process may take the free port before granian does
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    self.command(),
                    cwd=PROJECT_DIR,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                ready = self._wait_ready(timeout)
            except BaseException:
                self.stop()
                raise
            if ready:
                return self
            self.stop()  # it exited (e.g. the port was taken): try again
        raise BenchmarkError(f"granian did not start; its log:\n{self.log_tail()}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    return True
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise BenchmarkError(
            f"granian did not answer /health/ within {timeout:.0f} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        # Then whatever is left of its process group (granian's workers), which is ours:
        # start_new_session gave it the group id of the process we started.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def log_tail(self, size: int = 5_000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return "(no log)"

    def __enter__(self) -> ServerProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        # The server logs errors only (LOG_LEVEL=ERROR): anything there explains a failure.
        tail = self.log_tail().strip()
        if tail:
            self.log(f"server log ({self.log_path}):\n{tail}")
