"""What the fault tests share: raw sockets of each dialect, reading until a message comes, the
session's faults, and the status of a refused upgrade."""
import asyncio
import json
import time

import websockets

from conftest import stop_alpaca, stop_polygon
from test_scenarios import ctl

try:
    from websockets.exceptions import InvalidStatus as INVALID_STATUS  # websockets ≥ 14
except ImportError:
    from websockets.exceptions import InvalidStatusCode as INVALID_STATUS

TIMEOUT_S = 90


def refused_status(exc) -> int:
    """The HTTP status of a refused upgrade: `InvalidStatus.response.status_code` (websockets ≥ 14),
    or `InvalidStatusCode.status_code` before."""
    response = getattr(exc, "response", None)
    return response.status_code if response is not None else exc.status_code


def faults(server) -> dict[str, dict]:
    return {f["id"]: f for f in json.loads(ctl(server, "--json", "faults"))["faults"]}


async def polygon_socket(server, key):
    """A raw socket on /stocks, authenticated with `key`."""
    ws = await websockets.connect(f"ws://{server.feed}/stocks", ping_interval=None)
    assert json.loads(await ws.recv())[0]["status"] == "connected"
    await ws.send(json.dumps({"action": "auth", "params": key}))
    assert json.loads(await ws.recv())[0]["status"] == "auth_success"
    return ws


async def alpaca_socket(server, key):
    """A raw JSON socket on /v2/iex; returns it and its answer to `auth` with `key`."""
    ws = await websockets.connect(f"ws://{server.feed}/v2/iex", ping_interval=None)
    assert json.loads(await ws.recv()) == [{"T": "success", "msg": "connected"}]
    await ws.send(json.dumps({"action": "auth", "key": key, "secret": "s"}))
    return ws, json.loads(await ws.recv())


async def read_frames(ws, seconds) -> list[str]:
    """Every raw frame that arrives within `seconds`."""
    frames, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            frames.append(await asyncio.wait_for(ws.recv(), left))
        except asyncio.TimeoutError:
            break
    return frames


async def next_message(ws, matches, timeout_s=TIMEOUT_S):
    """Reads frames until one holds a message that `matches`; returns that message."""
    deadline = time.monotonic() + timeout_s
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        for m in frame:
            if matches(m):
                return m


def is_status(status, message=None):
    return lambda m: m.get("ev") == "status" and m.get("status") == status and (message is None or m.get("message") == message)


async def massive_until_first_data(client):
    """Runs the massive client until its first data message, then stops it."""
    got = asyncio.Event()

    async def handler(_):
        got.set()

    task = asyncio.create_task(client.connect(handler))
    try:
        await asyncio.wait_for(got.wait(), TIMEOUT_S)
    finally:
        await stop_polygon(client, task)


async def alpaca_until_first_trade(stream, symbol="AAPL"):
    """Runs alpaca-py's stream, subscribed to `symbol`'s trades, until the first one, then stops it."""
    got = asyncio.Event()

    async def on(_):
        got.set()

    stream.subscribe_trades(on, symbol)
    task = asyncio.create_task(stream._run_forever())
    try:
        await asyncio.wait_for(got.wait(), TIMEOUT_S)
    finally:
        await stop_alpaca(stream, task)
