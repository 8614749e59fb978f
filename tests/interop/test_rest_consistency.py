"""One market everywhere: on one server, what REST answers equals what the stream sent, and
scenarios show in both. The minute bars the official stream clients received equal the REST
aggregates and bars for those minutes; the last REST trade is the last trade streamed; a halt
leaves a hole in the bars, a gap moves the snapshot, a pushed trade is listed, and a forced
closed session shows in the market status and the clock.
"""
import asyncio
import datetime as dt
import json
import urllib.request

from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.live import StockDataStream
from alpaca.data.requests import StockBarsRequest
from alpaca.data.timeframe import TimeFrame
from alpaca.trading.client import TradingClient
from massive import RESTClient as MassiveREST
from massive.websocket import WebSocketClient
from massive.websocket.models import EquityAgg, EquityTrade

from conftest import stop_alpaca, stop_polygon, wait_until
from test_polygon_clients import collect
from test_scenarios import ctl

TIMEOUT_S = 120
TUESDAY_1030 = "2026-11-24T10:30:00-05:00"


def market_time(server) -> int:
    """The server's market time in nanoseconds (GET /control/state)."""
    with urllib.request.urlopen(f"http://{server.feed}/control/state", timeout=30) as r:
        state = json.loads(r.read())
    return int(dt.datetime.fromisoformat(state["marketTime"]).timestamp() * 1e9)


def stream_polygon(server, subscriptions, until):
    client = WebSocketClient(api_key="k", feed=server.feed, market="stocks", secure=False, subscriptions=subscriptions)
    return collect(client, until, TIMEOUT_S)


def test_streamed_minute_bars_equal_the_rest_bars_of_both_vendors(serve):
    # Thirty times real time: a minute every two seconds.
    server = serve("--market-hours", "calendar", "--start", TUESDAY_1030, "--symbols", "AAPL", "--speed", "30")
    streamed = asyncio.run(stream_polygon(server, ["AM.AAPL"], lambda ms: len([m for m in ms if isinstance(m, EquityAgg)]) >= 3))
    bars = [m for m in streamed if isinstance(m, EquityAgg)]
    rest = MassiveREST("k", base=f"http://{server.feed}", retries=0).get_aggs(
        "AAPL", 1, "minute", bars[0].start_timestamp, bars[-1].start_timestamp)
    assert [(a.timestamp, a.open, a.high, a.low, a.close, a.volume, a.vwap) for a in rest] == \
        [(b.start_timestamp, b.open, b.high, b.low, b.close, b.volume, b.vwap) for b in bars]

    stream = StockDataStream("k", "s", url_override=f"ws://{server.feed}/v2/sip")
    alpaca_bars, done = [], asyncio.Event()

    async def on_bar(bar):
        alpaca_bars.append(bar)
        if len(alpaca_bars) >= 3:
            done.set()

    stream.subscribe_bars(on_bar, "AAPL")

    async def run():
        task = asyncio.create_task(stream._run_forever())
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            await stop_alpaca(stream, task)

    asyncio.run(run())
    history = StockHistoricalDataClient("k", "s", url_override=f"http://{server.feed}").get_stock_bars(StockBarsRequest(
        symbol_or_symbols="AAPL", timeframe=TimeFrame.Minute, start=alpaca_bars[0].timestamp, end=alpaca_bars[-1].timestamp))["AAPL"]
    assert [(b.timestamp, b.open, b.high, b.low, b.close, b.volume, b.trade_count, b.vwap) for b in history] == \
        [(b.timestamp, b.open, b.high, b.low, b.close, b.volume, b.trade_count, b.vwap) for b in alpaca_bars]


def test_the_last_rest_trade_is_the_last_streamed_trade(serve):
    server = serve("--market-hours", "calendar", "--start", TUESDAY_1030, "--symbols", "AAPL")
    client = WebSocketClient(api_key="k", feed=server.feed, market="stocks", secure=False, subscriptions=["T.AAPL"])
    trades = []

    async def handler(msgs):
        trades.extend(m for m in msgs if isinstance(m, EquityTrade))

    async def run():
        task = asyncio.create_task(client.connect(handler))
        try:
            for _ in range(TIMEOUT_S * 10):
                if len(trades) >= 20:
                    break
                await asyncio.sleep(0.1)
            # Pause the clock, then wait until the stream has gone quiet: it has sent everything
            # up to the paused instant.
            await asyncio.to_thread(ctl, server, "clock", "--pause")
            seen, quiet = len(trades), 0
            while quiet < 20:
                await asyncio.sleep(0.1)
                quiet = quiet + 1 if len(trades) == seen else 0
                seen = len(trades)
        finally:
            await stop_polygon(client, task)

    asyncio.run(run())
    last = trades[-1]
    rest = MassiveREST("k", base=f"http://{server.feed}", retries=0)
    answer = rest.get_last_trade("AAPL")
    assert (answer.id, answer.price, answer.size, answer.sip_timestamp // 1_000_000) == (last.id, last.price, last.size, last.timestamp)
    assert answer.sip_timestamp <= market_time(server)


def test_scenarios_show_in_rest(serve):
    server = serve("--market-hours", "calendar", "--start", TUESDAY_1030, "--symbols", "AAPL,MSFT")
    rest = MassiveREST("k", base=f"http://{server.feed}", retries=0)

    # A halt from 10:31 for three minutes, then the clock jumped past it: no bar in the halted minutes.
    ctl(server, "halt", "AAPL", "--at", "2026-11-24T10:31:00", "--for", "3m")
    ctl(server, "push", "trade", "MSFT", "123.45", "777", "--at", "2026-11-24T10:33:10")
    before = rest.get_snapshot_ticker("stocks", "MSFT").last_trade.price
    ctl(server, "clock", "--jump", "2026-11-24T10:36:00")
    minutes = [a.timestamp for a in rest.get_aggs("AAPL", 1, "minute", "2026-11-24", "2026-11-24", limit=50000)]
    ten_thirty_one = 1795534260000
    assert ten_thirty_one - 60_000 in minutes and ten_thirty_one + 4 * 60_000 in minutes
    assert not [t for t in minutes if ten_thirty_one <= t < ten_thirty_one + 3 * 60_000]
    halted = list(rest.list_trades("AAPL", timestamp_gte="2026-11-24T10:31:00-05:00", timestamp_lt="2026-11-24T10:34:00-05:00"))
    assert halted == []

    # The pushed trade is listed with exactly its price and size.
    pushed = list(rest.list_trades("MSFT", timestamp_gte="2026-11-24T10:33:10-05:00", timestamp_lt="2026-11-24T10:33:11-05:00", limit=1000))
    assert (123.45, 777) in [(t.price, t.size) for t in pushed]

    # A gap of 10% moves the snapshot's last trade.
    ctl(server, "gap", "MSFT", "+10%")
    assert wait_until(lambda: rest.get_snapshot_ticker("stocks", "MSFT").last_trade.price > before * 1.07, 60)

    # A forced closed session shows in Polygon's status and in Alpaca's clock.
    ctl(server, "session", "closed", "--for", "1h")
    assert rest.get_market_status().market == "closed"
    assert TradingClient("k", "s", url_override=f"http://{server.feed}").get_clock().is_open is False
