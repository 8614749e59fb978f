"""Polygon/Massive market data over REST, read by `massive` and `polygon-api-client` pointed at
`tickforge serve`: aggregates (one page and across pages, both orders), the previous close,
open-close, snapshots, the last trade and NBBO, trades across a page boundary, and ticker
details. Fields are checked for their types and for agreeing with each other.
"""
import json

import pytest
from massive import RESTClient as MassiveREST
from massive.exceptions import BadResponse
from polygon import RESTClient as PolygonREST
from polygon.exceptions import BadResponse as PolygonBadResponse

TUESDAY_1032 = "2026-11-24T10:32:00-05:00"
NOW_MS = 1795534320000  # TUESDAY_1032 in milliseconds
CLIENTS = pytest.mark.parametrize("client_class", [MassiveREST, PolygonREST], ids=["massive", "polygon-api-client"])


def bad_response(client_class):
    """The exception each client raises for a non-200 answer: its text is the body."""
    return BadResponse if client_class is MassiveREST else PolygonBadResponse


def market(serve, *extra):
    server = serve("--market-hours", "calendar", "--start", TUESDAY_1032, "--symbols", "AAPL,MSFT,IBM", *extra)
    return server


@CLIENTS
def test_minute_aggregates_one_page_then_across_pages_in_both_orders(serve, client_class):
    server = market(serve)
    client = client_class("k", base=f"http://{server.feed}", retries=0)
    whole = client.get_aggs("AAPL", 1, "minute", "2026-11-24", "2026-11-24", limit=50000)
    # The day so far: 04:00 to the market clock, no bar from after it, every bar typed.
    assert 300 < len(whole) < 420
    assert whole[0].timestamp == 1795510800000  # 04:00 New York
    assert all(isinstance(a.timestamp, int) and isinstance(a.open, float | int) and a.volume > 0 for a in whole)
    assert all(a.low <= min(a.open, a.close) <= max(a.open, a.close) <= a.high for a in whole)
    assert all(b.timestamp > a.timestamp for a, b in zip(whole, whole[1:]))
    assert whole[-1].timestamp <= NOW_MS + 60_000

    paged = list(client.list_aggs("AAPL", 1, "minute", "2026-11-24", "2026-11-24", limit=100))
    assert [a.timestamp for a in paged[: len(whole)]] == [a.timestamp for a in whole]
    assert [(a.open, a.high, a.low, a.close, a.volume) for a in paged[:300]] == [(a.open, a.high, a.low, a.close, a.volume) for a in whole[:300]]
    # Descending pages move `to`, not `from` (client-python#888).
    descending = list(client.list_aggs("AAPL", 1, "minute", "2026-11-24", "2026-11-24", sort="desc", limit=120))
    assert [a.timestamp for a in descending[: len(whole) - 5]] == [a.timestamp for a in reversed(whole)][: len(whole) - 5]


@CLIENTS
def test_daily_bars_previous_close_and_open_close_agree(serve, client_class):
    server = market(serve)
    client = client_class("k", base=f"http://{server.feed}", retries=0)
    days = client.get_aggs("AAPL", 1, "day", "2026-11-16", "2026-11-24")
    # Weekdays only (calendar mode), stamped at New York midnight (05:00Z in November).
    assert [d.timestamp % 86_400_000 for d in days] == [5 * 3_600_000] * len(days)
    assert len(days) == 7  # Mon 16 … Fri 20, Mon 23, and Tuesday so far
    prev = client.get_previous_close_agg("AAPL")
    assert len(prev) == 1 and prev[0].ticker == "AAPL"
    monday = days[-2]
    assert (prev[0].open, prev[0].high, prev[0].low, prev[0].close, prev[0].volume) == (monday.open, monday.high, monday.low, monday.close, monday.volume)
    assert prev[0].timestamp == monday.timestamp + 16 * 3_600_000  # the 16:00 close
    open_close = client.get_daily_open_close_agg("AAPL", "2026-11-23")
    assert (open_close.open, open_close.close, open_close.volume) == (monday.open, monday.close, monday.volume)
    assert open_close.pre_market > 0 and open_close.after_hours > 0
    with pytest.raises(bad_response(client_class)) as raised:
        client.get_daily_open_close_agg("AAPL", "2026-11-22")  # a Sunday
    assert json.loads(str(raised.value))["status"] == "NOT_FOUND"
    grouped = client.get_grouped_daily_aggs("2026-11-23")
    assert sorted(g.ticker for g in grouped) == ["AAPL", "IBM", "MSFT"]
    assert next(g for g in grouped if g.ticker == "AAPL").close == monday.close
    assert client.get_grouped_daily_aggs("2026-11-22") == []


@CLIENTS
def test_snapshots_last_trade_and_quote_agree(serve, client_class):
    server = market(serve)
    client = client_class("k", base=f"http://{server.feed}", retries=0)
    prev = client.get_previous_close_agg("AAPL")[0]
    snap = client.get_snapshot_ticker("stocks", "AAPL")
    assert snap.ticker == "AAPL"
    assert snap.prev_day.close == prev.close
    assert snap.day.open > 0 and snap.day.high >= snap.day.low > 0
    assert isinstance(snap.last_trade.price, float | int) and isinstance(snap.last_trade.sip_timestamp, int)
    assert snap.last_quote.bid_price <= snap.last_quote.ask_price
    assert abs(snap.todays_change - (snap.last_trade.price - prev.close)) < 1e-6
    assert snap.min.timestamp % 60_000 == 0 and snap.min.accumulated_volume == snap.day.volume

    both = client.get_snapshot_all("stocks", tickers=["AAPL", "MSFT"])
    assert sorted(s.ticker for s in both) == ["AAPL", "MSFT"]
    gainers = client.get_snapshot_direction("stocks", "gainers")
    assert all(a.todays_change_percent >= b.todays_change_percent for a, b in zip(gainers, gainers[1:]))

    # The universal snapshot, a page of one at a time; an unknown ticker is an error item.
    universal = list(client.list_universal_snapshots(ticker_any_of=["MSFT", "AAPL", "NOT A TICKER"], limit=1))
    assert [u.ticker for u in universal] == ["AAPL", "MSFT", "NOT A TICKER"]
    assert universal[0].session.previous_close == prev.close and universal[0].market_status == "open"
    assert universal[0].last_trade.price > 0 and universal[0].last_quote.bid <= universal[0].last_quote.ask
    assert universal[2].error == "NOT_FOUND"

    last = client.get_last_trade("AAPL")
    assert last.ticker == "AAPL" and isinstance(last.price, float | int) and isinstance(last.size, int)
    assert last.sip_timestamp >= snap.last_trade.sip_timestamp
    assert last.sip_timestamp <= (NOW_MS + 120_000) * 1_000_000
    quote = client.get_last_quote("AAPL")
    assert quote.bid_price <= quote.ask_price and quote.sip_timestamp > 0


@CLIENTS
def test_trades_page_through_in_time_order_without_repeats(serve, client_class):
    server = market(serve)
    client = client_class("k", base=f"http://{server.feed}", retries=0)
    window = dict(timestamp_gte="2026-11-24T10:00:00-05:00", timestamp_lt="2026-11-24T10:05:00-05:00")
    one = list(client.list_trades("AAPL", limit=50000, order="asc", sort="timestamp", **window))
    paged = list(client.list_trades("AAPL", limit=97, order="asc", sort="timestamp", **window))
    assert len(one) > 300
    assert [t.id for t in paged] == [t.id for t in one]
    assert len({t.id for t in paged}) == len(paged)
    assert all(b.sip_timestamp >= a.sip_timestamp for a, b in zip(paged, paged[1:]))
    # Prices are JSON numbers (whole dollars print without a point, as the vendor's do); the
    # rest are integers, which the Go client requires.
    assert all(isinstance(t.price, float | int) and isinstance(t.size, int) and isinstance(t.exchange, int) for t in paged)
    # The default order is newest first.
    newest = list(client.list_trades("AAPL", limit=50, **window))
    assert [t.id for t in newest] == [t.id for t in reversed(one)]
    quotes = list(client.list_quotes("AAPL", limit=200, timestamp_gte="2026-11-24T10:00:00-05:00", timestamp_lt="2026-11-24T10:01:00-05:00"))
    assert quotes and all(q.bid_price <= q.ask_price for q in quotes)


@CLIENTS
def test_reference_tickers_details_and_exchanges(serve, client_class):
    server = market(serve)
    client = client_class("k", base=f"http://{server.feed}", retries=0)
    details = client.get_ticker_details("AAPL")
    assert (details.ticker, details.market, details.locale, details.active, details.primary_exchange) == ("AAPL", "stocks", "us", True, "XNAS")
    tickers = list(client.list_tickers(market="stocks", active=True, limit=2))
    assert [t.ticker for t in tickers] == ["AAPL", "IBM", "MSFT"]
    exchanges = client.get_exchanges(asset_class="stocks", locale="us")
    assert {e.id for e in exchanges} >= {4, 10, 11, 12}
    with pytest.raises(bad_response(client_class)):
        client.get_ticker_details("NOT A TICKER")


def test_bad_input_gets_the_vendors_400_and_the_server_carries_on(serve):
    server = market(serve)
    client = MassiveREST("k", base=f"http://{server.feed}", retries=0)
    cases = [
        (("AAPL", 1, "minute", "2026-11-24", "2026-11-23"), "'to' cannot be a time that occurs before 'from'"),
        (("AAPL", 1, "fortnight", "2026-11-23", "2026-11-24"), "Invalid timespan"),
        (("AAPL", 1, "minute", "2026-13-40", "2026-11-24"), "Could not parse the time parameter: 'from'"),
        (("AAPL", 0, "minute", "2026-11-23", "2026-11-24"), "multiplier"),
    ]
    for args, words in cases:
        with pytest.raises(BadResponse) as raised:
            client.get_aggs(*args)
        body = json.loads(str(raised.value))
        assert body["status"] == "ERROR" and words in body["error"], body
    with pytest.raises(BadResponse) as raised:
        list(client.list_trades("AAPL", limit=50001))
    assert "limit" in json.loads(str(raised.value))["error"]
    assert client.get_aggs("ZZZZ", 1, "day", "2026-11-22", "2026-11-22") == []
    assert len(client.get_aggs("AAPL", 1, "day", "2026-11-23", "2026-11-23")) == 1
