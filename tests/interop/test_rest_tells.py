"""The tells in the vendors' REST checklists (protocol notes: polygon-rest §6, alpaca-rest §10), on
the raw bodies: the last page has no `next_url` (never `null`), empty answers keep their shape,
stamps and sizes are JSON integers, tokens move forward and never repeat, the JS client's
`next_url + "&apiKey=…"` works, and Alpaca's snapshots carry nothing but symbols at the top level.
"""
import json
import urllib.parse
import urllib.request

import pytest

TUESDAY_1032 = "2026-11-24T10:32:00-05:00"
ALPACA = {"APCA-API-KEY-ID": "k", "APCA-API-SECRET-KEY": "s"}


@pytest.fixture(scope="module")
def base():
    from conftest import Server
    server = Server("--market-hours", "calendar", "--start", TUESDAY_1032, "--symbols", "AAPL,MSFT,IBM")
    yield f"http://{server.feed}"
    server.stop()


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {"Authorization": "Bearer k"})
    with urllib.request.urlopen(request, timeout=60) as r:
        assert r.headers["Content-Type"] == "application/json"
        text = r.read().decode()
    assert '"next_url":null' not in text and '"next_url":""' not in text
    return json.loads(text)


def test_polygon_pages_end_without_next_url_and_follow_with_an_appended_api_key(base):
    page = get(f"{base}/v2/aggs/ticker/AAPL/range/1/hour/2026-11-23/2026-11-23?limit=5")
    seen = []
    while True:
        seen += [bar["t"] for bar in page["results"]]
        if "next_url" not in page:
            break
        assert page["next_url"].startswith(base + "/v2/aggs/ticker/AAPL/range/1/hour/")
        # The JS client appends its key to next_url; the Python ones send the Bearer header.
        page = get(page["next_url"] + "&apiKey=k", headers={})
    assert len(seen) == 16 and seen == sorted(set(seen))  # 04:00 to 20:00, once each
    assert all(isinstance(t, int) for t in seen)

    # `limit` counts the minutes behind the bars (notes §2.3): 50 minutes are ten 5-minute bars.
    five = get(f"{base}/v2/aggs/ticker/AAPL/range/5/minute/2026-11-23/2026-11-23?limit=50")
    assert (five["resultsCount"], five["queryCount"]) == (10, 50) and "next_url" in five
    whole = get(f"{base}/v2/aggs/ticker/AAPL/range/5/minute/2026-11-23/2026-11-23?limit=50000")["results"]
    paged, page = [], five
    while True:
        paged += page["results"]
        if "next_url" not in page:
            break
        page = get(page["next_url"])
    assert paged == whole and len(whole) == 192  # 04:00 to 20:00
    page, backwards = get(f"{base}/v2/aggs/ticker/AAPL/range/5/minute/2026-11-23/2026-11-23?limit=50&sort=desc"), []
    while True:
        backwards += page["results"]
        if "next_url" not in page:
            break
        page = get(page["next_url"])
    assert backwards == whole[::-1]

    empty = get(f"{base}/v2/aggs/ticker/AAPL/range/1/day/2026-11-22/2026-11-22")
    assert "results" not in empty and empty["resultsCount"] == 0 and empty["status"] == "OK" and len(empty["request_id"]) == 32


def test_trade_cursors_move_forward_and_rows_never_repeat(base):
    url = f"{base}/v3/trades/MSFT?timestamp.gte=2026-11-24T14:31:00Z&timestamp.lt=2026-11-24T14:31:30Z&limit=40&order=asc"
    cursors, ids = [], []
    while url:
        page = get(url)
        for row in page["results"]:
            assert all(isinstance(row[k], int) for k in ("sip_timestamp", "participant_timestamp", "sequence_number", "size", "exchange"))
            ids.append(row["id"])
        url = page.get("next_url")
        if url:
            cursors.append(url.split("cursor=")[1])
    assert len(ids) > 80 and len(ids) == len(set(ids))
    assert len(cursors) == len(set(cursors))


def test_alpaca_empty_answers_keep_their_shape(base):
    empty = get(f"{base}/v2/stocks/bars?symbols=AAPL&timeframe=1Day&start=2026-11-22&end=2026-11-22", ALPACA)
    assert empty == {"bars": {}, "next_page_token": None}
    single = get(f"{base}/v2/stocks/AAPL/bars?timeframe=1Day&start=2026-11-22&end=2026-11-22", ALPACA)
    assert single == {"bars": None, "symbol": "AAPL", "next_page_token": None}
    bars = get(f"{base}/v2/stocks/bars?symbols=AAPL&timeframe=1Hour&start=2026-11-23&end=2026-11-23", ALPACA)["bars"]["AAPL"]
    assert all(set(b) == {"t", "o", "h", "l", "c", "v", "n", "vw"} and isinstance(b["v"], int) and isinstance(b["n"], int) for b in bars)


def test_alpaca_snapshots_have_symbols_only_at_the_top_level_and_tokens_are_padded_base64(base):
    snapshots = get(f"{base}/v2/stocks/snapshots?symbols=AAPL,MSFT", ALPACA)
    assert set(snapshots) == {"AAPL", "MSFT"}
    page = get(f"{base}/v2/stocks/trades?symbols=AAPL&start=2026-11-24T15:00:00Z&limit=3", ALPACA)
    token = page["next_page_token"]
    assert len(token) % 4 == 0 and "-" not in token and "_" not in token
    after = get(f"{base}/v2/stocks/trades?symbols=AAPL&start=2026-11-24T15:00:00Z&limit=3&page_token={urllib.parse.quote(token)}", ALPACA)
    assert after["trades"]["AAPL"][0]["t"] >= page["trades"]["AAPL"][-1]["t"]
    assert after["trades"]["AAPL"][0]["i"] not in [t["i"] for t in page["trades"]["AAPL"]]


def test_alpaca_pages_in_either_order_hold_the_same_bars(base):
    def pages(sort):
        url = f"{base}/v2/stocks/bars?symbols=AAPL,MSFT&timeframe=1Day&start=2026-10-01&end=2026-11-23&limit=7&sort={sort}"
        rows, token = [], None
        while True:
            page = get(url + (f"&page_token={urllib.parse.quote(token)}" if token else ""), ALPACA)
            rows += [(symbol, bar["t"], bar["c"]) for symbol, bars in page["bars"].items() for bar in bars]
            token = page["next_page_token"]
            if token is None:
                return rows

    ascending, descending = pages("asc"), pages("desc")
    assert len(ascending) == 2 * 38  # October 1 to November 23: 38 sessions each (today moves with the clock)
    assert descending == [r for symbol in ("AAPL", "MSFT") for r in reversed([r for r in ascending if r[0] == symbol])]
