"""Market status and the trading clock over REST, read by the official clients pointed at
`tickforge serve`: Polygon's `/v1/marketstatus/now` and `/upcoming` through massive and
polygon-api-client, Alpaca's `/v2/clock` and `/v2/calendar` through alpaca-py's TradingClient.
They follow the market clock (`--start`), the NYSE calendar and forced sessions, as the stream does.
"""
import datetime as dt
import json

import pytest
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.requests import GetCalendarRequest
from massive import RESTClient as MassiveREST
from massive.exceptions import BadResponse
from polygon import RESTClient as PolygonREST

from test_scenarios import ctl

SATURDAY_NOON = "2026-11-21T12:00:00-05:00"


def calendar_server(serve, *extra):
    return serve("--market-hours", "calendar", "--start", SATURDAY_NOON, "--symbols", "AAPL", *extra)


@pytest.mark.parametrize("client_class", [MassiveREST, PolygonREST], ids=["massive", "polygon-api-client"])
def test_polygon_clients_read_a_closed_saturday_then_a_forced_open(serve, client_class):
    server = calendar_server(serve)
    client = client_class("k", base=f"http://{server.feed}", retries=0)
    status = client.get_market_status()
    assert (status.market, status.early_hours, status.after_hours) == ("closed", False, False)
    assert status.exchanges.nyse == "closed" and status.exchanges.nasdaq == "closed"
    assert status.currencies.crypto == "open"
    assert status.server_time.startswith("2026-11-21T12:0")
    assert status.indicesGroups.s_and_p == "closed"

    ctl(server, "session", "open", "--for", "1h")
    assert client.get_market_status().market == "open"

    holidays = client.get_market_holidays()
    assert [(h.exchange, h.date, h.status) for h in holidays[:4]] == [
        ("NYSE", "2026-11-26", "closed"), ("NASDAQ", "2026-11-26", "closed"),
        ("NYSE", "2026-11-27", "early-close"), ("NASDAQ", "2026-11-27", "early-close"),
    ]
    assert holidays[0].name == "Thanksgiving"
    assert (holidays[2].open, holidays[2].close) == ("2026-11-27T14:30:00.000Z", "2026-11-27T18:00:00.000Z")


def test_massive_surfaces_the_vendors_401_body_for_an_unknown_key(serve):
    server = calendar_server(serve, "--api-key", "good")
    with pytest.raises(BadResponse) as raised:
        MassiveREST("bad", base=f"http://{server.feed}", retries=0).get_market_status()
    body = json.loads(str(raised.value))
    assert (body["status"], body["error"]) == ("ERROR", "Unknown API Key") and len(body["request_id"]) == 32
    assert MassiveREST("good", base=f"http://{server.feed}", retries=0).get_market_status().market == "closed"


def test_alpaca_py_clock_and_calendar_follow_the_calendar_and_a_forced_session(serve):
    server = calendar_server(serve)
    client = TradingClient("k", "s", url_override=f"http://{server.feed}")
    clock = client.get_clock()
    assert clock.is_open is False
    new_york = dt.timezone(dt.timedelta(hours=-5))
    assert clock.next_open == dt.datetime(2026, 11, 23, 9, 30, tzinfo=new_york)
    assert clock.next_close == dt.datetime(2026, 11, 23, 16, 0, tzinfo=new_york)
    assert dt.datetime(2026, 11, 21, 12, 0, tzinfo=new_york) <= clock.timestamp < dt.datetime(2026, 11, 21, 12, 10, tzinfo=new_york)

    ctl(server, "session", "open", "--for", "30m")
    forced = client.get_clock()
    assert forced.is_open is True
    assert forced.next_close > forced.timestamp and forced.next_close.date() == dt.date(2026, 11, 21)

    days = client.get_calendar(GetCalendarRequest(start=dt.date(2026, 11, 25), end=dt.date(2026, 11, 30)))
    assert [d.date for d in days] == [dt.date(2026, 11, 25), dt.date(2026, 11, 27), dt.date(2026, 11, 30)]
    assert (days[1].open, days[1].close) == (dt.datetime(2026, 11, 27, 9, 30), dt.datetime(2026, 11, 27, 13, 0))


def test_alpaca_py_gets_an_api_error_with_the_code_for_an_unknown_key(serve):
    server = calendar_server(serve, "--api-key", "good")
    with pytest.raises(APIError) as raised:
        TradingClient("bad", "s", url_override=f"http://{server.feed}").get_clock()
    assert raised.value.status_code == 403 and raised.value.code == 40310000


def test_alpaca_py_gets_an_asset_of_the_universe_and_a_404_for_one_outside_it(serve):
    server = serve("--universe", "fixed", "--symbols", "AAPL,SPY")
    client = TradingClient("k", "s", url_override=f"http://{server.feed}")
    asset = client.get_asset("AAPL")
    assert (asset.symbol, asset.exchange.value, asset.status.value, asset.tradable) == ("AAPL", "NASDAQ", "active", True)
    assert str(asset.id) == str(client.get_asset("AAPL").id), "the same id every time"
    assert client.get_asset("SPY").exchange.value == "ARCA"
    with pytest.raises(APIError) as raised:
        client.get_asset("ZZZZ")
    assert raised.value.status_code == 404 and raised.value.code == 40410000
