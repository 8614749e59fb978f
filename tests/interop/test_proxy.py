"""`tickforge proxy` in front of an upstream, which is a second `tickforge serve` with `--api-key`
set: its journal is the witness of what the proxy asked for.

- three clients subscribing and unsubscribing overlapping topics: one upstream connection, and the
  reference-counted union on the wire, step by step; each client gets exactly its own topics;
- real and synthetic mixed: FAKETICKER comes from the proxy's market, never from the upstream;
- the official clients through the proxy (massive, alpaca-py), a Polygon upstream served to an
  Alpaca client field by field, and auth at the proxy with the proxy's own keys;
- an upstream `drop`: the proxy reconnects and subscribes the union again, and data resumes for
  every client without any of them reconnecting;
- a wrong upstream key: a clear error in /stats and the log, and synthetic symbols keep flowing;
- REST through the proxy: upstream tickers from the upstream's REST API (pages included), synthetic
  ones from the proxy's market, with the proxy's own keys and clear refusals.
"""
import asyncio
import datetime as dt
import itertools
import json
import time
import urllib.error
import urllib.request

import pytest

import websockets
from alpaca.common.exceptions import APIError
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.live import StockDataStream
from alpaca.data.requests import StockBarsRequest, StockLatestTradeRequest
from alpaca.data.timeframe import TimeFrame
from massive import RESTClient as MassiveREST
from massive.exceptions import BadResponse
from massive.websocket import WebSocketClient

from conftest import stop_alpaca, stop_polygon, wait_until
from fault_sockets import polygon_socket, read_frames
from test_journal import journal
from test_scenarios import ctl

TIMEOUT_S = 90
UPSTREAM_KEY = "upkey"


def upstream_server(serve):
    return serve("--api-key", UPSTREAM_KEY, "--symbols", "AAPL,MSFT,NVDA")


def live_proxy(proxy, upstream, *args, **kwargs):
    """A proxy whose upstream connection is authenticated."""
    p = proxy(upstream, *args, **kwargs)
    assert wait_until(lambda: p.stats()["upstream"]["state"] == "live", TIMEOUT_S), p.stats()
    return p


def upstream_messages(upstream) -> list[str]:
    """What the proxy sent upstream after its key, in order, across its connections."""
    return [e["text"] for e in journal(upstream, kind="received") if '"auth"' not in e["text"]]


def upstream_connections(upstream) -> list[str]:
    return [e["connection"] for e in journal(upstream, kind="upgraded")]


async def read_for(ws, seconds) -> list[dict]:
    """Every event message that arrives within `seconds`."""
    return [m for f in await read_frames(ws, seconds) for m in json.loads(f) if m.get("ev") != "status"]


def topics_of(messages) -> set[str]:
    return {f"{m['ev']}.{m['sym']}" for m in messages}


async def subscribe(ws, params):
    await ws.send(json.dumps({"action": "subscribe", "params": params}))


async def unsubscribe(ws, params):
    await ws.send(json.dumps({"action": "unsubscribe", "params": params}))


def test_three_clients_share_one_upstream_connection_and_the_union_of_their_topics(serve, proxy):
    upstream = upstream_server(serve)
    p = live_proxy(proxy, upstream)

    def expect_upstream(messages):
        assert wait_until(lambda: upstream_messages(upstream) == messages, TIMEOUT_S), upstream_messages(upstream)

    async def run():
        a, b, c = [await polygon_socket(p, k) for k in ("a", "b", "c")]
        await subscribe(a, "T.AAPL,Q.AAPL")
        expect_upstream(['{"action":"subscribe","params":"Q.AAPL,T.AAPL"}'])
        await subscribe(b, "T.AAPL,T.MSFT")
        expect_upstream(['{"action":"subscribe","params":"Q.AAPL,T.AAPL"}', '{"action":"subscribe","params":"T.MSFT"}'])
        await subscribe(c, "T.MSFT")
        got_a, got_b, got_c = await asyncio.gather(read_for(a, 4), read_for(b, 4), read_for(c, 4))
        assert topics_of(got_a) == {"T.AAPL", "Q.AAPL"}
        assert topics_of(got_b) == {"T.AAPL", "T.MSFT"}
        assert topics_of(got_c) == {"T.MSFT"}
        # The last holder of a topic gives it up; a topic someone else holds stays.
        await unsubscribe(a, "T.AAPL,Q.AAPL")
        steps = ['{"action":"subscribe","params":"Q.AAPL,T.AAPL"}', '{"action":"subscribe","params":"T.MSFT"}',
                 '{"action":"unsubscribe","params":"Q.AAPL"}']
        expect_upstream(steps)
        await b.close()
        expect_upstream(steps + ['{"action":"unsubscribe","params":"T.AAPL"}'])
        await unsubscribe(c, "T.MSFT")
        expect_upstream(steps + ['{"action":"unsubscribe","params":"T.AAPL"}', '{"action":"unsubscribe","params":"T.MSFT"}'])
        await a.close()
        await c.close()

    asyncio.run(run())
    assert len(upstream_connections(upstream)) == 1
    # The upstream never sees the clients' keys, only the proxy's.
    assert {e["key"] for e in journal(upstream, kind="authenticated")} == {UPSTREAM_KEY}


def test_synthetic_symbols_mix_in_and_are_never_asked_of_the_upstream(serve, proxy):
    upstream = upstream_server(serve)
    # The seed team's variables: FAKETICKER trades every 50 ms.
    p = live_proxy(proxy, upstream, env={"ENABLE_FAKE_DATA": "true", "FAKE_DATA_SYMBOLS": "FAKETICKER,TESTSTOCK", "FAKE_DATA_INTERVAL_MS": "50"})

    async def run():
        both, real = await polygon_socket(p, "k1"), await polygon_socket(p, "k2")
        await subscribe(both, "T.AAPL,T.FAKETICKER")
        await subscribe(real, "T.AAPL")
        got_both, got_real = await asyncio.gather(read_for(both, 5), read_for(real, 5))
        assert topics_of(got_both) == {"T.AAPL", "T.FAKETICKER"}
        assert topics_of(got_real) == {"T.AAPL"}
        # The upstream's own bytes went to these Polygon clients, not a re-encoding.
        assert p.stats()["liveEventsVerbatim"] > 0
        await both.close()
        await real.close()

    asyncio.run(run())
    assert all("FAKETICKER" not in m for m in upstream_messages(upstream)), upstream_messages(upstream)
    assert upstream_messages(upstream)[0] == '{"action":"subscribe","params":"T.AAPL"}'


def test_massive_through_the_proxy_gets_real_and_synthetic_trades_and_a_wrong_key_is_refused_by_the_proxy(serve, proxy):
    upstream = upstream_server(serve)
    p = live_proxy(proxy, upstream, "--api-key", "client-key", "--synthetic", "FAKETICKER", "--profile", "FAKETICKER:liquidity=20")

    async def run():
        seen: dict[str, object] = {}
        done = asyncio.Event()
        client = WebSocketClient(api_key="client-key", feed=p.feed, market="stocks", secure=False,
                                 subscriptions=["T.AAPL", "T.FAKETICKER"])

        async def handler(msgs):
            for m in msgs:
                seen.setdefault(m.symbol, m)
            if {"AAPL", "FAKETICKER"} <= seen.keys():
                done.set()

        task = asyncio.create_task(client.connect(handler))
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            await stop_polygon(client, task)
        for trade in seen.values():
            assert trade.event_type == "T" and trade.price > 0 and trade.size > 0 and trade.timestamp > 0

        # The proxy's keys, not the upstream's, decide who gets in.
        ws = await websockets.connect(f"ws://{p.feed}/stocks", ping_interval=None)
        assert json.loads(await ws.recv())[0]["status"] == "connected"
        await ws.send(json.dumps({"action": "auth", "params": UPSTREAM_KEY}))
        assert json.loads(await ws.recv())[0]["status"] == "auth_failed"

    asyncio.run(run())


def test_a_polygon_upstream_serves_an_alpaca_client_field_by_field(serve, proxy):
    upstream = upstream_server(serve)
    p = live_proxy(proxy, upstream)

    async def run():
        # The upstream's own trades, straight from it, as the reference.
        direct = await polygon_socket(upstream, UPSTREAM_KEY)
        await subscribe(direct, "T.AAPL")
        received = []
        stream = StockDataStream("k", "s", url_override=f"ws://{p.feed}/v2/iex")

        async def on_trade(t):
            received.append(t)

        stream.subscribe_trades(on_trade, "AAPL")
        task = asyncio.create_task(stream._run_forever())
        reference = {}
        deadline = time.monotonic() + TIMEOUT_S
        try:
            while time.monotonic() < deadline:
                for m in await read_for(direct, 1):
                    reference[int(m["i"])] = m
                matched = [t for t in received if t.id in reference]
                if len(matched) >= 20:
                    break
        finally:
            await stop_alpaca(stream, task)
            await direct.close()
        matched = [t for t in received if t.id in reference]
        assert len(matched) >= 20, (len(received), len(reference))
        for t in matched:
            r = reference[t.id]
            assert t.symbol == "AAPL"
            assert t.price == r["p"] and t.size == r["s"]
            assert int(t.timestamp.timestamp() * 1000) == r["t"]
            assert t.exchange  # Alpaca's letter for the venue

    asyncio.run(run())


def test_after_an_upstream_drop_the_proxy_resubscribes_the_union_and_clients_never_reconnect(serve, proxy):
    upstream = upstream_server(serve)
    p = live_proxy(proxy, upstream)

    async def run():
        a, b = await polygon_socket(p, "a"), await polygon_socket(p, "b")
        await subscribe(a, "T.AAPL")
        await subscribe(b, "Q.MSFT")
        assert topics_of(await read_for(a, 2)) == {"T.AAPL"}
        first = upstream_connections(upstream)
        assert len(first) == 1
        ids_before = sorted(c["id"] for c in p.connections())
        ctl(upstream, "drop", first[0])
        assert wait_until(lambda: len(upstream_connections(upstream)) == 2, TIMEOUT_S)
        second = upstream_connections(upstream)[1]
        # The new connection authenticates and subscribes the whole union at once.
        assert wait_until(lambda: any(e["connection"] == second for e in journal(upstream, kind="received") if "subscribe" in e["text"]), TIMEOUT_S)
        resubscribed = [e["text"] for e in journal(upstream, kind="received", connection=second) if '"auth"' not in e["text"]]
        assert resubscribed == ['{"action":"subscribe","params":"Q.MSFT,T.AAPL"}']
        got_a, got_b = await asyncio.gather(read_for(a, 3), read_for(b, 3))
        assert topics_of(got_a) == {"T.AAPL"} and topics_of(got_b) == {"Q.MSFT"}
        assert sorted(c["id"] for c in p.connections()) == ids_before
        stats = p.stats()["upstream"]
        assert stats["connections"] == 2 and stats["state"] == "live"
        await a.close()
        await b.close()

    asyncio.run(run())


def test_a_wrong_upstream_key_is_reported_and_synthetic_symbols_keep_flowing(serve, proxy):
    upstream = upstream_server(serve)
    p = proxy(upstream, "--synthetic", "FAKETICKER", "--profile", "FAKETICKER:liquidity=20", key="wrong")
    assert wait_until(lambda: p.stats()["upstream"]["state"] == "auth_failed", TIMEOUT_S), p.stats()
    assert "--upstream-key" in p.stats()["upstream"]["lastError"]
    assert wait_until(lambda: "upstream refused this proxy" in p.log(), TIMEOUT_S), p.log()

    async def run():
        ws = await polygon_socket(p, "k")
        await subscribe(ws, "T.FAKETICKER")
        assert topics_of(await read_for(ws, 3)) == {"T.FAKETICKER"}
        await ws.close()

    asyncio.run(run())


def test_massive_through_the_proxy_comes_back_after_a_drop_at_the_proxy_and_the_upstream_is_untouched(serve, proxy):
    upstream = upstream_server(serve)
    p = live_proxy(proxy, upstream)

    def connection_of(key):
        found = [c for c in p.connections() if c["key"] == key and c["authenticated"] and c["subscriptions"]]
        return found[0] if len(found) == 1 else None

    async def run():
        received = []
        client = WebSocketClient(api_key="k", feed=p.feed, market="stocks", secure=False, subscriptions=["T.AAPL"], max_reconnects=5)

        async def handler(msgs):
            received.extend(msgs)

        task = asyncio.create_task(client.connect(handler))
        try:
            assert await asyncio.to_thread(wait_until, lambda: received and connection_of("k"), TIMEOUT_S)
            first = connection_of("k")
            ctl(p, "drop", first["id"])
            # A new connection, resubscribed to what it had, and data again through it.
            assert await asyncio.to_thread(wait_until, lambda: (c := connection_of("k")) is not None and c["id"] != first["id"], TIMEOUT_S)
            assert connection_of("k")["subscriptions"] == {"T": ["AAPL"]}
            before = len(received)
            assert await asyncio.to_thread(wait_until, lambda: len(received) > before, TIMEOUT_S)
        finally:
            await stop_polygon(client, task)
        assert {m.symbol for m in received} == {"AAPL"}

    asyncio.run(run())
    assert len(upstream_connections(upstream)) == 1, "a client's drop at the proxy never reaches the upstream connection"


def test_an_alpaca_upstream_serves_a_polygon_client_field_by_field(serve, proxy):
    upstream = serve("--api-key", UPSTREAM_KEY, "--api-key", "direct", "--symbols", "AAPL")
    p = live_proxy(proxy, upstream, path="/v2/iex")

    async def run():
        # The upstream's own Alpaca trades, straight from it, as the reference.
        direct = await websockets.connect(f"ws://{upstream.feed}/v2/iex", ping_interval=None)
        await direct.recv()
        await direct.send(json.dumps({"action": "auth", "key": "direct", "secret": "s"}))
        await direct.recv()
        await direct.send(json.dumps({"action": "subscribe", "trades": ["AAPL"]}))
        client = await polygon_socket(p, "k")
        await subscribe(client, "T.AAPL")
        reference, via = {}, {}
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and len([i for i in via if i in reference]) < 20:
            a, b = await asyncio.gather(read_frames(direct, 1), read_for(client, 1))
            for f in a:
                for m in json.loads(f):
                    if m.get("T") == "t":
                        reference[m["i"]] = m
            for m in b:
                via[int(m["i"])] = m
        await direct.close()
        await client.close()
        matched = [i for i in via if i in reference]
        assert len(matched) >= 20, (len(via), len(reference))
        for i in matched:
            r, m = reference[i], via[i]
            assert m["ev"] == "T" and m["sym"] == "AAPL"
            assert m["p"] == r["p"] and m["s"] == r["s"]
            # Alpaca's RFC 3339 nanoseconds, as Polygon's milliseconds.
            assert r["t"].startswith(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(m["t"] / 1000)))

    asyncio.run(run())
    proxy_connection = [e["connection"] for e in journal(upstream, kind="authenticated") if e["key"] == UPSTREAM_KEY]
    assert len(proxy_connection) == 1
    sent = [e["text"] for e in journal(upstream, kind="received", connection=proxy_connection[0]) if '"auth"' not in e["text"]]
    # Alpaca's own subscribe form; the unsubscribe follows once the client has gone.
    assert sent[0] == '{"action":"subscribe","trades":["AAPL"]}', sent
    assert wait_until(lambda: '{"action":"unsubscribe","trades":["AAPL"]}' in
                      [e["text"] for e in journal(upstream, kind="received", connection=proxy_connection[0])], TIMEOUT_S)


def test_an_alpaca_upstream_relays_corrections_and_cancels_to_an_alpaca_client_as_sent(serve, proxy):
    upstream = serve("--api-key", UPSTREAM_KEY, "--api-key", "direct", "--symbols", "AAPL")
    p = live_proxy(proxy, upstream, path="/v2/iex")

    async def alpaca_trades(url, key):
        ws = await websockets.connect(url, ping_interval=None)
        await ws.recv()
        await ws.send(json.dumps({"action": "auth", "key": key, "secret": "s"}))
        await ws.recv()
        await ws.send(json.dumps({"action": "subscribe", "trades": ["AAPL"]}))
        return ws

    def amendments(frames) -> list[dict]:
        return [m for f in frames for m in json.loads(f) if m.get("T") in ("c", "x")]

    async def run():
        direct = await alpaca_trades(f"ws://{upstream.feed}/v2/iex", "direct")
        client = await alpaca_trades(f"ws://{p.feed}/v2/iex", "k")
        trade, deadline = None, time.monotonic() + TIMEOUT_S
        while trade is None and time.monotonic() < deadline:
            trade = next((m for f in await read_frames(direct, 1) for m in json.loads(f) if m.get("T") == "t"), None)
        assert trade is not None, "the upstream printed no AAPL trade"
        await asyncio.to_thread(ctl, upstream, "cancel", "AAPL", str(trade["i"]))
        await asyncio.to_thread(ctl, upstream, "correct", "AAPL", str(trade["i"]), "--price", "1.5", "--size", "7")
        reference, via = [], []
        while time.monotonic() < deadline and (len(reference) < 2 or len(via) < 2):
            a, b = await asyncio.gather(read_frames(direct, 1), read_frames(client, 1))
            reference += amendments(a)
            via += amendments(b)
        await direct.close()
        await client.close()
        assert [m["T"] for m in reference] == ["x", "c"], reference
        # Every field as the upstream sent it: ids, prices, sizes, conditions, exchange, tape, stamp.
        assert via == reference
        assert reference[0]["i"] == trade["i"] and reference[0]["a"] == "C"
        assert reference[1]["oi"] == trade["i"] and reference[1]["cp"] == 1.5 and reference[1]["cs"] == 7

    asyncio.run(run())


TUESDAY_1032 = "2026-11-24T10:32:00-05:00"


def rest_upstream(serve):
    """An upstream with a fixed session, so its REST answers are the same whoever asks."""
    return serve("--api-key", UPSTREAM_KEY, "--api-key", "direct", "--symbols", "AAPL,MSFT", "--universe", "fixed",
                 "--start", TUESDAY_1032, "--market-hours", "calendar")


def test_massive_rest_through_the_proxy_gets_upstream_tickers_from_the_upstream_and_synthetic_ones_from_the_proxy(serve, proxy):
    upstream = rest_upstream(serve)
    p = live_proxy(proxy, upstream, "--api-key", "client", "--synthetic", "FAKETICKER")
    direct = MassiveREST("direct", base=f"http://{upstream.feed}", retries=0)
    via = MassiveREST("client", base=f"http://{p.feed}", retries=0)

    bars = via.get_aggs("AAPL", 1, "minute", "2026-11-24", "2026-11-24", limit=50000)
    assert len(bars) > 300
    # The market runs on between the two asks: the minute in progress may have grown meanwhile.
    assert bars[:-1] == direct.get_aggs("AAPL", 1, "minute", "2026-11-24", "2026-11-24", limit=50000)[: len(bars) - 1]
    # Three pages of 50: each next_url leads back through the proxy, with the proxy's key.
    pages = list(itertools.islice(via.list_trades("MSFT", timestamp="2026-11-24", order="asc", limit=50), 120))
    assert len(pages) == 120
    assert [t.id for t in pages] == [t.id for t in itertools.islice(direct.list_trades("MSFT", timestamp="2026-11-24", order="asc", limit=50), 120)]

    # FAKETICKER is the proxy's own: the upstream has never heard of it.
    fake = via.get_aggs("FAKETICKER", 1, "minute", "2026-11-24", "2026-11-24", limit=10)
    assert fake and all(b.volume > 0 for b in fake)
    assert not direct.get_aggs("FAKETICKER", 1, "minute", "2026-11-24", "2026-11-24", limit=10)

    with pytest.raises(BadResponse) as refused:
        MassiveREST("wrong", base=f"http://{p.feed}", retries=0).get_last_trade("AAPL")
    assert "Unknown API Key" in str(refused.value)
    with pytest.raises(BadResponse) as mixed:
        via.get_snapshot_all("stocks", tickers=["AAPL", "FAKETICKER"])
    assert "separate requests" in str(mixed.value)


def test_alpaca_py_rest_through_an_alpaca_upstream_proxy_gets_the_upstreams_bars(serve, proxy):
    upstream = rest_upstream(serve)
    p = live_proxy(proxy, upstream, "--synthetic", "FAKETICKER", path="/v2/iex")
    utc = dt.timezone.utc
    request = StockBarsRequest(symbol_or_symbols=["AAPL", "MSFT"], timeframe=TimeFrame.Minute,
                               start=dt.datetime(2026, 11, 24, 14, 30, tzinfo=utc), end=dt.datetime(2026, 11, 24, 15, 30, tzinfo=utc))
    via = StockHistoricalDataClient("k", "s", url_override=f"http://{p.feed}")
    bars = via.get_stock_bars(request)
    assert len(bars.data["AAPL"]) == 61 and len(bars.data["MSFT"]) == 61  # 14:30 to 15:30, both ends
    assert bars.data == StockHistoricalDataClient("direct", "s", url_override=f"http://{upstream.feed}").get_stock_bars(request).data
    with pytest.raises(APIError) as mixed:
        via.get_stock_latest_trade(StockLatestTradeRequest(symbol_or_symbols=["AAPL", "FAKETICKER"]))
    assert "separate requests" in str(mixed.value)


def test_an_upstream_rest_api_that_does_not_answer_gives_a_502_naming_it(serve, proxy):
    upstream = serve("--api-key", UPSTREAM_KEY)
    p = live_proxy(proxy, upstream, "--upstream-rest", "http://127.0.0.1:9")
    # massive retries a 502 itself and then reports only its status; the body says why.
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(f"http://{p.feed}/v2/last/trade/AAPL?apiKey=k", timeout=30)
    body = json.loads(failed.value.read())
    assert failed.value.code == 502 and body["status"] == "ERROR"
    assert "http://127.0.0.1:9" in body["error"] and "did not answer" in body["error"]
    # The proxy's own routes still answer.
    assert MassiveREST("k", base=f"http://{p.feed}", retries=0).get_market_status().market
