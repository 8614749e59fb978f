"""Bad input to every REST market-data route, generated from a fixed seed: each answer is the
vendor's status and a JSON error body (or a plain 404 for a path that is no route), never a 5xx,
never a dropped connection, and the server keeps serving. It found two overflows (a bar longer
than the epoch, a period ending past the year 2262) before they shipped.
"""
import json
import random
import urllib.error
import urllib.parse
import urllib.request

VALUES = ["", "0", "-1", "1", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e9", "2026-11-23", "2026-02-30",
          "9999-12-31", "1969-12-31", "1970-01-01", "2200-12-31", "2201-01-01", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00+14:00", "abc",
          "%00", "AAPL", "*", "a b", "+", "&", "=", "1795534320000", "17955343200000000000", "asc", "desc", "true", "false", "1Min", "59T",
          "12Month", "0Day", "YWJj", "=====", "c3ltYm9sPUFBUEwmYXQ9LTE=", "c3ltYm9sPUFBUEwmYXQ9OTIyMzM3MjAzNjg1NDc3NTgwNyZza2lwPS0x", "x" * 3000]
TICKERS = ["AAPL", "aapl", "ZZZZ", "*", "A.B", "A/B", "%20", "NOT A", "x" * 30, "0"]
SPANS = ["second", "minute", "hour", "day", "week", "month", "quarter", "year", "fortnight", ""]
DATES = VALUES[8:20]


def routes(rnd):
    def v():
        return urllib.parse.quote(rnd.choice(VALUES), safe="")

    def t():
        return urllib.parse.quote(rnd.choice(TICKERS), safe="")

    return [
        lambda: f"/v2/aggs/ticker/{t()}/range/{v()}/{rnd.choice(SPANS)}/{v()}/{v()}?limit={v()}&sort={v()}&cursor={v()}",
        lambda: f"/v2/aggs/ticker/{t()}/range/{rnd.choice(['1', '5', '1000000'])}/{rnd.choice(SPANS)}/{rnd.choice(DATES)}/{rnd.choice(DATES)}"
                f"?sort={rnd.choice(['asc', 'desc'])}",
        lambda: f"/v2/aggs/ticker/{t()}/prev", lambda: f"/v2/aggs/grouped/locale/us/market/stocks/{v()}", lambda: f"/v1/open-close/{t()}/{v()}",
        lambda: f"/v2/last/trade/{t()}", lambda: f"/v2/last/nbbo/{t()}",
        lambda: f"/v3/trades/{t()}?timestamp={v()}&timestamp.gte={v()}&timestamp.lt={v()}&order={v()}&limit={v()}&cursor={v()}",
        lambda: f"/v3/quotes/{t()}?timestamp.gt={v()}&timestamp.lte={v()}&limit={v()}",
        lambda: f"/v2/snapshot/locale/us/markets/stocks/tickers?tickers={t()},{t()}", lambda: f"/v2/snapshot/locale/us/markets/stocks/{v()}",
        lambda: f"/v3/snapshot?ticker.any_of={t()},{t()}&limit={v()}&order={v()}&cursor={v()}",
        lambda: f"/v3/reference/tickers?limit={v()}&ticker.gt={v()}&cursor={v()}",
        lambda: f"/v2/stocks/bars?symbols={t()},{t()}&timeframe={v()}&start={v()}&end={v()}&limit={v()}&sort={v()}&page_token={v()}",
        lambda: f"/v2/stocks/{t()}/trades?start={v()}&end={v()}&limit={v()}&page_token={v()}",
        lambda: f"/v2/stocks/quotes?symbols={t()}&start={v()}&sort={v()}",
        lambda: f"/v2/stocks/{rnd.choice(['bars', 'trades', 'quotes'])}/latest?symbols={t()}&feed={v()}",
        lambda: f"/v2/stocks/snapshots?symbols={t()}", lambda: f"/v2/stocks/{t()}/snapshot",
    ]


def test_seeded_bad_input_never_breaks_a_route_or_the_server(serve):
    server = serve("--symbols", "AAPL,MSFT,IBM")
    rnd = random.Random(20261202)
    generators = routes(rnd)
    headers = {"Authorization": "Bearer k", "APCA-API-KEY-ID": "k", "APCA-API-SECRET-KEY": "s"}
    statuses = {}
    for _ in range(600):
        path = rnd.choice(generators)()
        request = urllib.request.Request(f"http://{server.feed}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        assert status in (200, 400, 404), (status, path, body[:300])
        if status != 404 or body.startswith(b"{"):
            json.loads(body)
        statuses[status] = statuses.get(status, 0) + 1
    assert statuses.get(200, 0) > 50 and statuses.get(400, 0) > 100
    with urllib.request.urlopen(f"http://{server.feed}/health", timeout=30) as r:
        assert r.status == 200
