"""Starts the built `tickforge serve` on a free port for each test that asks for a server, and
stops the official clients cleanly."""
import asyncio
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

BIN = os.environ.get("TICKFORGE_BIN", ".build/debug/tickforge")
READY_TIMEOUT_S = 120  # generous: a busy 2-core CI machine


class Server:
    def __init__(self, *args: str, command: str = "serve", env: dict | None = None):
        self.proc = subprocess.Popen(
            [BIN, command, "--port", "0", "--bar-delay-ms", "0", *args],
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.port = None
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"listening on port:\s+(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(READY_TIMEOUT_S) or self.port is None:
            self.stop()
            raise RuntimeError(f"tickforge {command} did not report its port:\n" + "".join(self.lines))

    @property
    def feed(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log(self) -> str:
        return "".join(self.lines)

    def stats(self) -> dict:
        with urllib.request.urlopen(f"http://{self.feed}/stats", timeout=30) as r:
            return json.loads(r.read())

    def connections(self) -> list[dict]:
        """The server's own account of its open stream connections (GET /control/connections)."""
        with urllib.request.urlopen(f"http://{self.feed}/control/connections", timeout=30) as r:
            return json.loads(r.read())["connections"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def serve():
    started: list[Server] = []

    def start(*args: str) -> Server:
        s = Server(*args)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def proxy():
    """Starts `tickforge proxy` in front of an upstream `Server`, with that upstream's key."""
    started: list[Server] = []

    def start(upstream: Server, *args: str, key: str = "upkey", path: str = "/stocks", env: dict | None = None) -> Server:
        secret = ("--upstream-secret", "upsecret") if path.startswith("/v2/") else ()
        s = Server("--upstream", f"ws://{upstream.feed}{path}", "--upstream-key", key, *secret, *args, command="proxy", env=env)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def wait_until(predicate, timeout_s: float = 60, interval_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()


async def stop_alpaca(stream, task):
    """Stops an alpaca-py stream and waits for its `_run_forever()` task to end."""
    await stream.stop_ws()
    try:
        await asyncio.wait_for(task, 30)
    except (asyncio.TimeoutError, asyncio.CancelledError, Exception):
        task.cancel()


async def stop_polygon(client, task):
    """Closes a massive / polygon-api-client client and waits for its connect() task to end."""
    await client.close()
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, Exception):
        pass
