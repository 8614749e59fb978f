"""Scenarios triggered with `tickforge ctl`, as the official clients parse them.

- alpaca-py's `subscribe_trading_statuses` gets the halt and the resumption as `TradingStatus` models;
- the `massive` client's `LULD` subscription gets indicators 17 and 18 for a Nasdaq-listed halt;
- a pushed trade arrives with exactly its price and size on both.
"""
import asyncio
import subprocess
import threading

from alpaca.data.live import StockDataStream
from alpaca.data.models import Trade, TradingStatus
from massive.websocket import WebSocketClient
from massive.websocket.models import EquityTrade, LimitUpLimitDown

from conftest import BIN, stop_alpaca, stop_polygon

TIMEOUT_S = 90


def ctl(server, *args: str) -> str:
    """Runs `tickforge ctl` against the server; fails the test with its message if it fails."""
    out = subprocess.run([BIN, "ctl", "--url", f"http://{server.feed}", *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def trigger_once(event: threading.Event, server, *args: str):
    """Runs `ctl args` (in a thread, off the client's loop) the first time `event` is set."""
    result = {}

    def run():
        event.wait(TIMEOUT_S)
        result["out"] = ctl(server, *args)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


async def run_alpaca(stream, done: asyncio.Event):
    task = asyncio.create_task(stream._run_forever())
    try:
        await asyncio.wait_for(done.wait(), TIMEOUT_S)
    finally:
        await stop_alpaca(stream, task)


def test_alpaca_py_trading_statuses_get_the_halt_and_the_resumption(serve):
    server = serve("--symbols", "AAPL,MSFT", "--speed", "5")
    stream = StockDataStream("key", "secret", url_override=f"ws://{server.feed}/v2/iex")
    statuses, trades = [], []
    first_trade = threading.Event()
    done = asyncio.Event()

    async def on_status(s):
        statuses.append(s)
        if len(statuses) >= 2:
            done.set()

    async def on_trade(t):
        trades.append(t)
        first_trade.set()

    stream.subscribe_trading_statuses(on_status, "AAPL")
    stream.subscribe_trades(on_trade, "AAPL")
    thread, result = trigger_once(first_trade, server, "halt", "AAPL", "--for", "20s", "--json")
    asyncio.run(run_alpaca(stream, done))
    thread.join(10)

    assert len(statuses) >= 2 and all(isinstance(s, TradingStatus) for s in statuses)
    halt, resume = statuses[0], statuses[1]
    assert halt.symbol == "AAPL" and halt.status_code == "P" and halt.reason_code == "LUDP" and halt.tape == "C"
    assert halt.status_message == "Volatility Trading Pause"
    assert resume.status_code == "T" and resume.status_message == "Trading Resumption"
    assert (resume.timestamp - halt.timestamp).total_seconds() == 20
    assert '"state" : "active"' in result["out"]
    # No trade printed while halted.
    assert not [t for t in trades if halt.timestamp <= t.timestamp < resume.timestamp]


def test_massive_luld_gets_indicators_17_and_18_for_a_nasdaq_listed_halt(serve):
    server = serve("--symbols", "AAPL,MSFT", "--speed", "5")
    client = WebSocketClient(api_key="k", feed=server.feed, market="stocks", secure=False, subscriptions=["T.AAPL", "LULD.AAPL"])
    received = []
    first_trade = threading.Event()
    done = asyncio.Event()

    async def handler(msgs):
        received.extend(msgs)
        if any(isinstance(m, EquityTrade) for m in msgs):
            first_trade.set()
        if any(isinstance(m, LimitUpLimitDown) and m.indicators == [18] for m in msgs):
            done.set()

    async def run():
        task = asyncio.create_task(client.connect(handler))
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            await stop_polygon(client, task)

    thread, _ = trigger_once(first_trade, server, "halt", "AAPL", "--for", "15s")
    asyncio.run(run())
    thread.join(10)

    indicators = [m for m in received if isinstance(m, LimitUpLimitDown) and m.indicators != [0]]
    assert [m.indicators for m in indicators][-2:] == [[17], [18]]
    halted, resumed = indicators[-2], indicators[-1]
    assert halted.symbol == "AAPL" and halted.tape == 3 and halted.high_price > halted.low_price > 0
    assert resumed.timestamp - halted.timestamp == 15 * 1_000_000_000  # nanoseconds, as the live feed
    between = [m for m in received if isinstance(m, EquityTrade) and halted.timestamp // 1_000_000 <= m.timestamp < resumed.timestamp // 1_000_000]
    assert not between


def test_a_pushed_trade_arrives_with_exactly_its_price_and_size_on_both_clients(serve):
    server = serve("--symbols", "AAPL,MSFT", "--speed", "2")
    polygon = WebSocketClient(api_key="k", feed=server.feed, market="stocks", secure=False, subscriptions=["T.MSFT"])
    stream = StockDataStream("key", "secret", url_override=f"ws://{server.feed}/v2/iex")
    polygon_trades, alpaca_trades = [], []
    ready = {"polygon": threading.Event(), "alpaca": threading.Event()}
    both = threading.Event()
    done = asyncio.Event()

    async def on_polygon(msgs):
        polygon_trades.extend(m for m in msgs if isinstance(m, EquityTrade))
        ready["polygon"].set()

    async def on_alpaca(t):
        alpaca_trades.append(t)
        ready["alpaca"].set()

    def pushed(trades, price_of):
        return [t for t in trades if price_of(t) == 417.37]

    stream.subscribe_trades(on_alpaca, "MSFT")

    def wait_both():
        ready["polygon"].wait(TIMEOUT_S)
        ready["alpaca"].wait(TIMEOUT_S)
        both.set()

    threading.Thread(target=wait_both, daemon=True).start()
    thread, _ = trigger_once(both, server, "push", "trade", "MSFT", "417.37", "1234", "--conditions", "14")

    async def run():
        ptask = asyncio.create_task(polygon.connect(on_polygon))
        atask = asyncio.create_task(stream._run_forever())

        async def watch():
            while not (pushed(polygon_trades, lambda t: t.price) and pushed(alpaca_trades, lambda t: t.price)):
                await asyncio.sleep(0.05)
            done.set()

        wtask = asyncio.create_task(watch())
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            wtask.cancel()
            await stop_polygon(polygon, ptask)
            await stop_alpaca(stream, atask)

    asyncio.run(run())
    thread.join(10)
    p = pushed(polygon_trades, lambda t: t.price)
    a = pushed(alpaca_trades, lambda t: t.price)
    assert len(p) == 1 and len(a) == 1
    assert p[0].size == 1234 and p[0].conditions == [14] and p[0].symbol == "MSFT"
    assert isinstance(a[0], Trade) and a[0].size == 1234 and a[0].symbol == "MSFT"
    assert int(p[0].id) == a[0].id
