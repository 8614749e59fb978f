"""Faults that shape what a connection is sent: `latency` holds each frame, `slow` grows the
backlog into the dialect's slow-consumer path; and a lasting fault ends by itself when its time is
up. The connection journal (`GET /control/journal`) is the server's witness.
"""
import asyncio
import json
import statistics
import time
import urllib.request

import pytest
import websockets

from conftest import wait_until
from fault_sockets import TIMEOUT_S, alpaca_socket, faults, is_status, next_message, polygon_socket
from test_journal import authenticated_connections, fault_id, journal, rfc3339_ns
from test_scenarios import ctl

def market_offset_ms(server) -> float:
    """Market time minus wall time, in ms (the clock runs at speed 1)."""
    with urllib.request.urlopen(f"http://{server.feed}/stats", timeout=30) as r:
        stats = json.loads(r.read())
    assert stats["speed"] == "1" and not stats["paused"]
    return (stats["clockAnchorMarketNs"] - stats["clockAnchorWallNs"]) / 1e6


async def ack_delays(ws, topics) -> list[float]:
    """Seconds from each subscribe to its acknowledgement."""
    delays = []
    for topic in topics:
        sent = time.monotonic()
        await ws.send(json.dumps({"action": "subscribe", "params": topic}))
        await next_message(ws, is_status("success", f"subscribed to: {topic}"))
        delays.append(time.monotonic() - sent)
    return delays


async def trade_lateness_ms(ws, offset_ms, count=30) -> float:
    """The median of how long after its market time each trade arrives."""
    late = []
    while len(late) < count:
        frame = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        now_ms = time.time() * 1000 + offset_ms
        late += [now_ms - m["t"] for m in frame if m.get("ev") == "T"]
    return statistics.median(late)


def test_latency_holds_each_frame_until_the_fault_ends(serve):
    server = serve("--symbols", "AAPL,MSFT", "--market-hours", "always-open")
    offset = market_offset_ms(server)

    async def scenario():
        ws = await polygon_socket(server, "held")
        try:
            [me] = await asyncio.to_thread(authenticated_connections, server, "held")
            before = await ack_delays(ws, ["T.AAPL", "T.MSFT", "Q.AAPL"])
            await ws.send('{"action":"unsubscribe","params":"Q.AAPL"}')
            prompt = await trade_lateness_ms(ws, offset)
            out = await asyncio.to_thread(ctl, server, "latency", me, "--ms", "300")
            fault = fault_id(out)
            assert out.rstrip().endswith(f"reached {me}")
            held = await trade_lateness_ms(ws, offset)
            during = await ack_delays(ws, ["Q.MSFT", "A.AAPL", "A.MSFT"])
            await asyncio.to_thread(ctl, server, "end-fault", fault)
            after = await ack_delays(ws, ["AM.AAPL", "AM.MSFT", "LULD.AAPL"])
            return me, fault, before, prompt, held, during, after
        finally:
            await ws.close()

    me, fault, before, prompt, held, during, after = asyncio.run(scenario())
    assert min(during) >= 0.29, during
    assert held >= 250 and held - prompt >= 250, (prompt, held)
    assert min(before) < 0.25 and min(after) < 0.25, (before, after)
    states = [(e["fault"], e["faultKind"], e["state"]) for e in journal(server, connection=me, kind="fault")]
    assert states == [(fault, "latency", "on"), (fault, "latency", "off")]
    f = faults(server)[fault]
    assert (f["state"], f["ms"], f["appliedTo"]) == ("ended", 300, [me]), f


@pytest.mark.parametrize("dialect", ["polygon", "alpaca"])
def test_a_slow_socket_grows_its_backlog_into_the_slow_consumer_path(serve, dialect):
    server = serve("--max-backlog-bytes", "200000")

    async def scenario():
        if dialect == "polygon":
            ws = await polygon_socket(server, "slowkey")
            await ws.send('{"action":"subscribe","params":"T.*,Q.*"}')
            await next_message(ws, lambda m: m.get("ev") in ("T", "Q"))
        else:
            ws, answer = await alpaca_socket(server, "slowkey")
            assert answer == [{"T": "success", "msg": "authenticated"}]
            await ws.send('{"action":"subscribe","trades":["*"],"quotes":["*"]}')
            await next_message(ws, lambda m: m.get("T") in ("t", "q"))
        try:
            [me] = await asyncio.to_thread(authenticated_connections, server, "slowkey")
            fault = fault_id(await asyncio.to_thread(ctl, server, "slow", me, "--bytes-per-second", "500"))
            said = []
            with pytest.raises(websockets.exceptions.ConnectionClosed) as gone:
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
                    said += [m for m in frame if m.get("ev") == "status" or m.get("T") == "error"]
            return me, fault, said, gone.value
        finally:
            await ws.close()

    me, fault, said, gone = asyncio.run(scenario())
    if dialect == "polygon":
        assert [m["status"] for m in said] == ["slow_consumer"], said
        assert gone.rcvd is None, "Polygon drops a slow consumer with no close frame"
    else:
        assert said == [{"T": "error", "code": 407, "msg": "slow client"}], said
    entries = journal(server, connection=me, kind=["fault", "dropped"])
    assert [e["kind"] for e in entries] == ["fault", "dropped"], entries
    on, dropped = entries
    assert (on["fault"], on["faultKind"], on["state"]) == (fault, "slow", "on")
    assert dropped["why"] == "slow-consumer" and dropped["backlogBytes"] > 0, dropped
    assert faults(server)[fault]["appliedTo"] == [me]


def test_a_lasting_fault_ends_by_itself_when_its_time_is_up(serve):
    server = serve("--symbols", "AAPL")

    async def scenario():
        ws = await polygon_socket(server, "briefly")
        try:
            [me] = await asyncio.to_thread(authenticated_connections, server, "briefly")
            await ws.send('{"action":"subscribe","params":"T.AAPL"}')
            await next_message(ws, lambda m: m.get("ev") == "T")
            fault = fault_id(await asyncio.to_thread(ctl, server, "latency", me, "--ms", "300", "--for", "3s"))
            during = await ack_delays(ws, ["Q.AAPL"])
            ended = lambda: [e["state"] for e in journal(server, connection=me, kind="fault")] == ["on", "off"]
            assert await asyncio.to_thread(wait_until, ended, 30), journal(server, connection=me)
            after = await ack_delays(ws, ["A.AAPL", "AM.AAPL", "LULD.AAPL"])
            return fault, during, after
        finally:
            await ws.close()

    fault, during, after = asyncio.run(scenario())
    assert during[0] >= 0.29 and min(after) < 0.25, (during, after)
    f = faults(server)[fault]
    assert f["state"] == "ended" and rfc3339_ns(f["until"]) - rfc3339_ns(f["at"]) == 3_000_000_000, f
