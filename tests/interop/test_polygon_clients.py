"""The official Polygon/Massive Python clients, unchanged, against `tickforge serve`.

Each test drives `WebSocketClient(api_key=..., feed="127.0.0.1:PORT", market="stocks", secure=False)`
from both `massive` and `polygon-api-client` and asserts on what the client's own parser produced.
"""
import asyncio
import importlib

import pytest
import websockets

from conftest import stop_polygon, wait_until

CLIENTS = ["massive", "polygon"]
TIMEOUT_S = 90


def client_module(name):
    ws = importlib.import_module(f"{name}.websocket")
    models = importlib.import_module(f"{name}.websocket.models")
    exceptions = importlib.import_module(f"{name}.exceptions")
    return ws, models, exceptions


async def collect(client, until, timeout_s=TIMEOUT_S):
    """Runs the client until `until(received)` holds; returns every parsed message."""
    received = []
    done = asyncio.Event()

    async def handler(msgs):
        received.extend(msgs)
        if until(received):
            done.set()

    task = asyncio.create_task(client.connect(handler))
    try:
        await asyncio.wait_for(done.wait(), timeout_s)
    finally:
        await stop_polygon(client, task)
    return received


@pytest.mark.parametrize("name", CLIENTS)
def test_typed_trades_quotes_and_aggregates_for_subscribed_symbols_only(serve, name):
    ws, models, _ = client_module(name)
    server = serve("--symbols", "AAPL,MSFT,NVDA")
    client = ws.WebSocketClient(api_key="k", feed=server.feed, market="stocks", secure=False,
                                subscriptions=["T.AAPL", "Q.AAPL", "A.AAPL"])

    def complete(msgs):
        kinds = {type(m).__name__ for m in msgs}
        return {"EquityTrade", "EquityQuote", "EquityAgg"} <= kinds

    msgs = asyncio.run(collect(client, complete))
    trades = [m for m in msgs if isinstance(m, models.EquityTrade)]
    quotes = [m for m in msgs if isinstance(m, models.EquityQuote)]
    aggs = [m for m in msgs if isinstance(m, models.EquityAgg)]
    assert trades and quotes and aggs
    assert {m.symbol for m in msgs} == {"AAPL"}
    t = trades[0]
    assert isinstance(t.id, str) and isinstance(t.size, int) and isinstance(t.price, float | int)
    assert t.price > 0 and t.timestamp > 1_600_000_000_000 and t.timestamp < 4_000_000_000_000  # milliseconds
    q = quotes[0]
    assert q.bid_price < q.ask_price and q.bid_size % 100 == 0 and q.ask_size > 0
    a = aggs[0]
    assert a.event_type == "A" and a.end_timestamp - a.start_timestamp == 1000
    assert a.low <= a.open <= a.high and a.low <= a.close <= a.high and a.volume > 0


@pytest.mark.parametrize("name", CLIENTS)
def test_wildcard_covers_the_configured_universe(serve, name):
    ws, models, _ = client_module(name)
    server = serve("--symbols", "AAPL,MSFT", "--universe", "fixed")
    client = ws.WebSocketClient(api_key="k", feed=server.feed, market="stocks", secure=False, subscriptions=["T.*"])
    msgs = asyncio.run(collect(client, lambda m: {x.symbol for x in m} >= {"AAPL", "MSFT"}))
    assert all(isinstance(m, models.EquityTrade) for m in msgs)
    assert {m.symbol for m in msgs} == {"AAPL", "MSFT"}


@pytest.mark.parametrize("name", CLIENTS)
def test_bad_key_raises_the_clients_auth_error(serve, name):
    ws, _, exceptions = client_module(name)
    server = serve("--api-key", "good")
    client = ws.WebSocketClient(api_key="bad", feed=server.feed, market="stocks", secure=False, subscriptions=["T.AAPL"])

    async def run():
        async def handler(_):
            pass
        await asyncio.wait_for(client.connect(handler), TIMEOUT_S)

    with pytest.raises(exceptions.AuthError):
        asyncio.run(run())


@pytest.mark.parametrize("name", CLIENTS)
def test_client_reconnects_reauths_resubscribes_after_a_server_abort(serve, name):
    """A second connection with the same key evicts the client (max_connections, then a TCP abort);
    the client must reconnect, authenticate, subscribe again, and receive data again."""
    ws, models, _ = client_module(name)
    server = serve("--symbols", "AAPL", "--max-connections-per-key", "1")
    client = ws.WebSocketClient(api_key="shared", feed=server.feed, market="stocks", secure=False,
                                subscriptions=["T.AAPL"], max_reconnects=5)

    async def scenario():
        received = []
        phase = {"evicted": False, "after": 0}
        got_first = asyncio.Event()
        resumed = asyncio.Event()

        async def handler(msgs):
            received.extend(msgs)
            got_first.set()
            if phase["evicted"]:
                phase["after"] += len(msgs)
                if phase["after"] >= 3:
                    resumed.set()

        task = asyncio.create_task(client.connect(handler))
        try:
            await asyncio.wait_for(got_first.wait(), TIMEOUT_S)
            [first] = await asyncio.to_thread(server.connections)
            # The intruder authenticates with the same key: the client is evicted and aborted.
            async with websockets.connect(f"ws://{server.feed}/stocks") as intruder:
                await intruder.recv()
                await intruder.send('{"action":"auth","params":"shared"}')
                assert '"auth_success"' in await intruder.recv()
                phase["evicted"] = True
                # The client's reconnect evicts the intruder in turn; wait for its data to resume.
                await asyncio.wait_for(resumed.wait(), TIMEOUT_S)
                # The server's witness: one connection on the key, a new one, authenticated again and
                # subscribed again to exactly what the client had.
                def reconnected():
                    now = server.connections()
                    return len(now) == 1 and now[0]["id"] != first["id"] and now[0]["key"] == "shared" \
                        and now[0]["authenticated"] and now[0]["subscriptions"] == first["subscriptions"]
                assert await asyncio.to_thread(wait_until, reconnected, TIMEOUT_S), server.connections()
        finally:
            await stop_polygon(client, task)
        return received

    msgs = asyncio.run(scenario())
    assert all(isinstance(m, models.EquityTrade) and m.symbol == "AAPL" for m in msgs)
