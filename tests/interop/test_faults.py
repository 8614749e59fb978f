"""Connection faults triggered with `tickforge ctl`, as the official clients and a raw socket meet them.

- after `ctl drop`, the massive client reconnects, authenticates and subscribes again to the same
  topics, with the server's connection listing as the witness;
- after `ctl close --code 1001`, the massive client does not come back (it stops for good on 1000
  and 1001, as against the real cluster);
- a muted socket stays open and gets its pings answered, but no data, until the mute ends.

The faults at the door (reject, auth-fail, connection-limit) are in test_faults_admission.py, those
that shape what is sent (latency, slow) in test_faults_shaping.py.
"""
import asyncio
import json
import time

import websockets
from massive.websocket import WebSocketClient

from conftest import stop_polygon, wait_until
from test_scenarios import ctl


TIMEOUT_S = 90


def only_connection(server, key):
    found = [c for c in server.connections() if c["key"] == key and c["authenticated"]]
    return found[0] if len(found) == 1 else None


async def with_massive(server, key, subscriptions, body):
    """Runs the massive client on `key` until its first data, then `body(connection)` with the
    server's listing of that connection; stops the client unless `body` saw it stop by itself."""
    client = WebSocketClient(api_key=key, feed=server.feed, market="stocks", secure=False,
                             subscriptions=subscriptions, max_reconnects=5)
    got = asyncio.Event()

    async def handler(msgs):
        got.set()

    task = asyncio.create_task(client.connect(handler))
    try:
        await asyncio.wait_for(got.wait(), TIMEOUT_S)
        first = await asyncio.to_thread(only_connection, server, key)
        assert first is not None, server.connections()
        await body(first, task)
    finally:
        if not task.done():
            await stop_polygon(client, task)


def test_massive_reconnects_and_resubscribes_after_a_drop(serve):
    server = serve("--symbols", "AAPL,MSFT")

    async def body(first, task):
        assert first["subscriptions"] == {"T": ["AAPL"], "Q": ["MSFT"]}, first
        out = await asyncio.to_thread(ctl, server, "drop", first["id"])
        assert f"reached {first['id']}" in out

        def came_back():
            c = only_connection(server, "dropme")
            return c is not None and c["id"] != first["id"] and c["subscriptions"] == first["subscriptions"]
        assert await asyncio.to_thread(wait_until, came_back, TIMEOUT_S), server.connections()

    asyncio.run(with_massive(server, "dropme", ["T.AAPL", "Q.MSFT"], body))


def test_massive_stops_for_good_after_a_close_with_1001(serve):
    server = serve("--symbols", "AAPL")

    async def body(first, task):
        await asyncio.to_thread(ctl, server, "close", first["id"], "--code", "1001", "--reason", "going away")
        # connect() returns on its own: no reconnect.
        await asyncio.wait_for(task, TIMEOUT_S)
        assert await asyncio.to_thread(wait_until, lambda: server.connections() == [], 10), server.connections()

    asyncio.run(with_massive(server, "closeme", ["T.AAPL"], body))


def test_a_muted_socket_answers_pings_and_sends_nothing_until_the_mute_ends(serve):
    server = serve("--symbols", "AAPL")

    async def scenario():
        async with websockets.connect(f"ws://{server.feed}/stocks", ping_interval=None) as ws:
            await ws.recv()
            await ws.send('{"action":"auth","params":"muted"}')
            await ws.recv()
            await ws.send('{"action":"subscribe","params":"Q.AAPL"}')
            while '"ev":"Q"' not in await ws.recv():
                pass
            me = await asyncio.to_thread(only_connection, server, "muted")
            out = await asyncio.to_thread(ctl, server, "mute", me["id"])
            fault = out.split()[1]
            # Drain what was on its way when the mute came (a bounded wait: an unmuted feed never
            # goes quiet for half a second); then silence, with pongs.
            deadline = time.monotonic() + 30
            quiet = False
            while not quiet and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(ws.recv(), 0.5)
                except asyncio.TimeoutError:
                    quiet = True
            assert quiet, "the muted socket kept receiving"
            for _ in range(3):
                pong = await ws.ping()
                await asyncio.wait_for(pong, 10)
            try:
                frame = await asyncio.wait_for(ws.recv(), 2)
                raise AssertionError(f"a muted socket received {frame}")
            except asyncio.TimeoutError:
                pass
            [listed] = await asyncio.to_thread(server.connections)
            assert listed["faults"] == [fault]
            await asyncio.to_thread(ctl, server, "unmute", fault)
            frame = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
            assert any(m.get("ev") == "Q" for m in frame)

    asyncio.run(scenario())
