"""Alpaca market data over REST, read by alpaca-py's `StockHistoricalDataClient` pointed at
`tickforge serve`: bars for several symbols across a page, trades, quotes, the latest of each,
and snapshots. Fields are checked for their types and for agreeing with each other and with
the Polygon routes of the same server (one market).
"""
import datetime as dt

import pytest
from alpaca.common.exceptions import APIError
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.requests import (
    StockBarsRequest, StockLatestBarRequest, StockLatestQuoteRequest, StockLatestTradeRequest, StockQuotesRequest,
    StockSnapshotRequest, StockTradesRequest,
)
from alpaca.data.timeframe import TimeFrame, TimeFrameUnit
from massive import RESTClient as MassiveREST

TUESDAY_1032 = "2026-11-24T10:32:00-05:00"
UTC = dt.timezone.utc
NEW_YORK = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def server(serve):
    return serve("--market-hours", "calendar", "--start", TUESDAY_1032, "--symbols", "AAPL,MSFT,IBM")


def data_client(server):
    return StockHistoricalDataClient("k", "s", url_override=f"http://{server.feed}")


def test_minute_bars_of_two_symbols_across_a_page_match_polygon_aggregates(server):
    client = data_client(server)
    # More than one page of 10,000: six whole days of extended-hours minutes for two symbols.
    bars = client.get_stock_bars(StockBarsRequest(
        symbol_or_symbols=["AAPL", "MSFT"], timeframe=TimeFrame.Minute,
        start=dt.datetime(2026, 11, 16, tzinfo=NEW_YORK), end=dt.datetime(2026, 11, 24, 10, 0, tzinfo=NEW_YORK)))
    aapl, msft = bars["AAPL"], bars["MSFT"]
    assert len(aapl) + len(msft) > 10_000
    for series in (aapl, msft):
        assert all(b.timestamp < a.timestamp for b, a in zip(series, series[1:]))
        assert all(isinstance(b.volume, float | int) and b.trade_count > 0 and b.vwap > 0 for b in series)
    assert aapl[0].timestamp == dt.datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 04:00 New York
    # The same minutes as Polygon's aggregates of the same market.
    polygon = MassiveREST("k", base=f"http://{server.feed}", retries=0).get_aggs("AAPL", 1, "minute", "2026-11-16", "2026-11-16", limit=50000)
    first_day = [b for b in aapl if b.timestamp < dt.datetime(2026, 11, 17, 5, 0, tzinfo=UTC)]
    assert [(b.open, b.high, b.low, b.close, b.volume) for b in first_day] == [(a.open, a.high, a.low, a.close, a.volume) for a in polygon]


def test_daily_bars_with_a_limit_and_a_symbol_without_bars(server):
    client = data_client(server)
    days = client.get_stock_bars(StockBarsRequest(
        symbol_or_symbols=["AAPL", "IBM"], timeframe=TimeFrame.Day, start=dt.datetime(2026, 11, 16, tzinfo=UTC), limit=9))
    # The limit counts bars across symbols, AAPL's first (sorted by symbol).
    assert len(days["AAPL"]) == 7 and len(days["IBM"]) == 2
    assert days["AAPL"][0].timestamp == dt.datetime(2026, 11, 16, 5, 0, tzinfo=UTC)
    weekly = client.get_stock_bars(StockBarsRequest(
        symbol_or_symbols="AAPL", timeframe=TimeFrame(1, TimeFrameUnit.Week), start=dt.datetime(2026, 11, 2, tzinfo=UTC)))
    assert [b.timestamp.date() for b in weekly["AAPL"]] == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
    empty = client.get_stock_bars(StockBarsRequest(
        symbol_or_symbols="AAPL", timeframe=TimeFrame.Day, start=dt.datetime(2026, 11, 21, tzinfo=UTC), end=dt.datetime(2026, 11, 22, 23, tzinfo=UTC)))
    assert empty.data == {}


def test_trades_and_quotes_in_a_window(server):
    client = data_client(server)
    window = dict(start=dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC), end=dt.datetime(2026, 11, 24, 15, 1, tzinfo=UTC))
    trades = client.get_stock_trades(StockTradesRequest(symbol_or_symbols=["AAPL", "MSFT"], limit=150, **window))
    got = trades["AAPL"] + trades.data.get("MSFT", [])
    assert len(got) == 150
    assert all(window["start"] <= t.timestamp <= window["end"] for t in got)
    assert all(isinstance(t.size, float | int) and t.exchange and t.conditions for t in got)
    quotes = client.get_stock_quotes(StockQuotesRequest(symbol_or_symbols="AAPL", limit=50, **window))
    assert len(quotes["AAPL"]) == 50 and all(q.bid_price <= q.ask_price for q in quotes["AAPL"])


def test_latest_and_snapshots_agree_with_polygon(server):
    client = data_client(server)
    polygon = MassiveREST("k", base=f"http://{server.feed}", retries=0)
    latest = client.get_stock_latest_trade(StockLatestTradeRequest(symbol_or_symbols=["AAPL", "MSFT"]))
    assert set(latest) == {"AAPL", "MSFT"}
    assert latest["AAPL"].timestamp >= dt.datetime(2026, 11, 24, 15, 31, tzinfo=UTC)
    quote = client.get_stock_latest_quote(StockLatestQuoteRequest(symbol_or_symbols="AAPL"))["AAPL"]
    assert quote.bid_price <= quote.ask_price
    bar = client.get_stock_latest_bar(StockLatestBarRequest(symbol_or_symbols="AAPL"))["AAPL"]
    assert bar.timestamp.second == 0 and bar.timestamp <= dt.datetime(2026, 11, 24, 15, 45, tzinfo=UTC)

    snapshots = client.get_stock_snapshot(StockSnapshotRequest(symbol_or_symbols=["AAPL", "MSFT"]))
    aapl = snapshots["AAPL"]
    prev = polygon.get_previous_close_agg("AAPL")[0]
    assert aapl.previous_daily_bar.close == prev.close
    assert aapl.daily_bar.timestamp == dt.datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    assert aapl.latest_trade.price > 0 and aapl.latest_quote.ask_price >= aapl.latest_quote.bid_price
    assert aapl.minute_bar.trade_count > 0


def test_bad_input_gets_an_api_error_with_code_and_message(server):
    client = data_client(server)
    with pytest.raises(APIError) as raised:
        client.get_stock_bars(StockBarsRequest(symbol_or_symbols="AAPL", timeframe=TimeFrame.Day,
                                               start=dt.datetime(2026, 11, 20, tzinfo=UTC), end=dt.datetime(2026, 11, 10, tzinfo=UTC)))
    assert raised.value.status_code == 400 and raised.value.code == 40010001 and "before start" in raised.value.message
