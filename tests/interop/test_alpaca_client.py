"""alpaca-py, unchanged, against `tickforge serve`'s Alpaca v2 stock stream.

`StockDataStream(key, secret, url_override="ws://127.0.0.1:PORT/v2/iex")` speaks msgpack (it
always sends `Content-Type: application/msgpack`) and sends its subscribe as a fragmented binary
message; the assertions are on the pydantic models its own parser built.
"""
import asyncio
import logging

from alpaca.data.live import StockDataStream
from alpaca.data.models import Bar, Quote, Trade

from conftest import Server, stop_alpaca

TIMEOUT_S = 90


def receive_each(stream, symbol, kinds) -> dict:
    """Runs an alpaca-py stream, subscribed to `kinds` of `symbol`, until each handler got a message."""
    subscribe = {"trades": stream.subscribe_trades, "quotes": stream.subscribe_quotes, "bars": stream.subscribe_bars,
                 "daily": stream.subscribe_daily_bars}
    got = {kind: [] for kind in kinds}
    done = asyncio.Event()

    def handler(kind):
        async def on(msg):
            got[kind].append(msg)
            if all(got.values()):
                done.set()
        return on

    for kind in kinds:
        subscribe[kind](handler(kind), symbol)

    async def scenario():
        task = asyncio.create_task(stream._run_forever())
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            await stop_alpaca(stream, task)

    asyncio.run(scenario())
    return got


def test_trade_quote_and_bar_handlers_get_valid_models(serve):
    # Ten times real time, so a minute bar arrives every six seconds.
    server = serve("--symbols", "AAPL,MSFT", "--speed", "10")
    stream = StockDataStream("key", "secret", url_override=f"ws://{server.feed}/v2/iex")
    got = receive_each(stream, "AAPL", ["trades", "quotes", "bars", "daily"])
    trade, quote, bar = got["trades"][0], got["quotes"][0], got["bars"][0]
    assert isinstance(trade, Trade) and isinstance(quote, Quote) and isinstance(bar, Bar)
    assert {m.symbol for ms in got.values() for m in ms} == {"AAPL"}
    assert trade.price > 0 and trade.size > 0 and trade.exchange and trade.timestamp.year >= 2025
    assert isinstance(trade.id, int) and isinstance(trade.conditions, list)
    assert quote.bid_price < quote.ask_price and quote.bid_size > 0 and quote.ask_size > 0
    assert bar.low <= bar.open <= bar.high and bar.low <= bar.close <= bar.high
    assert bar.volume > 0 and bar.trade_count > 0 and bar.low <= bar.vwap <= bar.high
    assert bar.timestamp.second == 0 and bar.timestamp.microsecond == 0
    daily = got["daily"][-1]
    assert isinstance(daily, Bar) and daily.volume >= bar.volume and daily.low <= bar.low and daily.high >= bar.high
    assert daily.timestamp.hour in (4, 5) and daily.timestamp.minute == 0  # New York midnight in UTC


def test_fakepaca_on_the_test_stream_reaches_alpaca_py_as_the_real_test_stream_sends_it(serve):
    # The test stream runs in real time whatever --speed says; a quote and a trade come every 5 s.
    server = serve("--speed", "10")
    stream = StockDataStream("key", "secret", url_override=f"ws://{server.feed}/v2/test")
    got = receive_each(stream, "FAKEPACA", ["trades", "quotes"])
    trade, quote = got["trades"][0], got["quotes"][0]
    assert isinstance(trade, Trade) and isinstance(quote, Quote)
    assert (trade.symbol, trade.id, trade.exchange, trade.price, trade.size, trade.conditions, trade.tape) == \
        ("FAKEPACA", 1, "N", 134.56, 3, [" "], "A")
    assert (quote.bid_exchange, quote.bid_price, quote.bid_size, quote.ask_exchange, quote.ask_price, quote.ask_size) == \
        ("O", 133.85, 4, "R", 135.77, 5)
    assert quote.conditions == ["R"] and quote.tape == "A"


def test_bad_key_gives_the_clients_auth_failed_error(serve, caplog):
    server = serve("--api-key", "good")
    stream = StockDataStream("bad", "secret", url_override=f"ws://{server.feed}/v2/iex")

    async def trades(_):
        pass

    stream.subscribe_trades(trades, "AAPL")

    async def scenario():
        task = asyncio.create_task(stream._run_forever())
        try:
            for _ in range(TIMEOUT_S * 10):
                if "auth failed" in caplog.text:
                    return
                await asyncio.sleep(0.1)
        finally:
            await stop_alpaca(stream, task)

    with caplog.at_level(logging.ERROR, logger="alpaca.data.live.websocket"):
        asyncio.run(scenario())
    # alpaca-py raises ValueError(msg) on an error reply to its auth and logs it before retrying.
    assert "error during websocket communication: auth failed" in caplog.text


def test_client_reconnects_reauths_resubscribes_after_a_server_abort(serve):
    """The server restarts on the same port: shutting down aborts every connection (no close
    frame). alpaca-py must reconnect, authenticate, subscribe again, and receive trades again."""
    first = serve("--symbols", "AAPL")
    port = first.port
    stream = StockDataStream("key", "secret", url_override=f"ws://{first.feed}/v2/iex")
    trades = []
    phase = {"restarted": False, "after": 0}
    got_first = asyncio.Event()
    resumed = asyncio.Event()

    async def on_trade(t):
        trades.append(t)
        got_first.set()
        if phase["restarted"]:
            phase["after"] += 1
            if phase["after"] >= 3:
                resumed.set()

    stream.subscribe_trades(on_trade, "AAPL")
    second = []

    async def scenario():
        task = asyncio.create_task(stream._run_forever())
        try:
            await asyncio.wait_for(got_first.wait(), TIMEOUT_S)
            await asyncio.to_thread(first.stop)
            phase["restarted"] = True
            second.append(await asyncio.to_thread(Server, "--symbols", "AAPL", "--port", str(port)))
            await asyncio.wait_for(resumed.wait(), TIMEOUT_S)
            # The restarted server's witness: the client's new session, authenticated and subscribed again.
            [session] = await asyncio.to_thread(second[0].connections)
            assert session["authenticated"] and session["subscriptions"] == {"trades": ["AAPL"]}, session
        finally:
            await stop_alpaca(stream, task)
            for s in second:
                s.stop()

    asyncio.run(scenario())
    assert phase["after"] >= 3 and all(isinstance(t, Trade) and t.symbol == "AAPL" for t in trades)
