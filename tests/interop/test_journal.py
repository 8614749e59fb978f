"""The connection journal (`GET /control/journal`) as the witness of what the official clients did.

- after `ctl drop`, the massive client and alpaca-py come back: the journal shows the new connection
  upgraded, authenticated with the same key, then subscribed to exactly what the old one had, and
  the old one dropped by the fault;
- the journal's own contract: secrets hidden, filters by connection and kind, paging with `after`
  and `next`, clearing, and `tickforge ctl journal`.
"""
import asyncio
import json
import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

import pytest
import websockets
from alpaca.data.live import StockDataStream
from massive.websocket import WebSocketClient

from conftest import BIN, stop_alpaca, stop_polygon, wait_until
from test_scenarios import ctl

TIMEOUT_S = 90


def journal_page(server, **query) -> dict:
    """One answer of GET /control/journal; list values are joined with commas."""
    q = {k: ",".join(v) if isinstance(v, (list, tuple, set)) else str(v) for k, v in query.items() if v is not None}
    url = f"http://{server.feed}/control/journal" + ("?" + urllib.parse.urlencode(q) if q else "")
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def journal(server, **query) -> list[dict]:
    """Every entry the query matches, oldest first (following `next` over full pages)."""
    entries: list[dict] = []
    limit = int(query.pop("limit", 1000))
    after = query.pop("after", None)
    while True:
        page = journal_page(server, after=after, limit=limit, **query)
        entries += page["entries"]
        if len(page["entries"]) < limit:
            return entries
        after = page["next"]


def rfc3339_ns(text: str) -> int:
    """`2026-12-02T03:04:49.016018722Z` → nanoseconds since the epoch."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z", text)
    assert m, text
    seconds = datetime.fromisoformat(m.group(1) + "+00:00").timestamp()
    return int(seconds) * 1_000_000_000 + int((m.group(2) or "0").ljust(9, "0"))


def of(entries, connection=None, kind=None) -> list[dict]:
    return [e for e in entries if (connection is None or e["connection"] == connection) and (kind is None or e["kind"] == kind)]


def authenticated_connections(server, key) -> list[str]:
    """The connections that authenticated with `key`, in order."""
    return [e["connection"] for e in journal(server, kind="authenticated") if e["key"] == key]


def fault_id(out: str) -> str:
    """`posted f3  drop  ...` → `f3`."""
    words = out.split()
    assert words[0] == "posted" and words[1].startswith("f"), out
    return words[1]


def polygon_topics(entries, connection) -> list[str]:
    return sorted(e["topic"] for e in of(entries, connection, "subscribed"))


def alpaca_topics(entries, connection) -> list[tuple[str, str]]:
    return sorted((e["channel"], e["symbol"]) for e in of(entries, connection, "subscribed"))


def comeback(server, old: str, key: str, topics_of):
    """The connection that replaced `old` once it is upgraded, authenticated with `key` and
    subscribed to what `old` was; `None` until then."""
    entries = journal(server)
    wanted = topics_of(entries, old)
    for c in authenticated_connections(server, key):
        if c != old and topics_of(entries, c) == wanted:
            return c
    return None


def assert_came_back(server, old: str, new: str, key: str, fault: str, topics_of):
    """The journal's account of a drop and the comeback, in order."""
    entries = journal(server)
    [dropped] = of(entries, old, "dropped")
    assert dropped["why"] == "fault" and dropped["fault"] == fault and dropped["faultKind"] == "drop", dropped
    assert not of(entries, old, "closed"), "the server ended it: no 'closed' by the client"
    [upgraded] = of(entries, new, "upgraded")
    [authenticated] = of(entries, new, "authenticated")
    subscribed = of(entries, new, "subscribed")
    assert authenticated["key"] == key
    assert dropped["seq"] < upgraded["seq"] < authenticated["seq"] < min(e["seq"] for e in subscribed)
    # Exactly the old set, each item once.
    assert len(subscribed) == len(set(topics_of(entries, new)))
    assert topics_of(entries, new) == topics_of(entries, old) != []
    return entries


async def drop_and_come_back(server, old, key, topics_of, resumed):
    """Drops connection `old` with `ctl drop`, waits for the client to come back on a new one and
    for its data to resume (`resumed`), and checks the journal's account of it; returns the new
    connection's id and the journal."""
    fault = fault_id(await asyncio.to_thread(ctl, server, "drop", old))
    new = await asyncio.to_thread(
        lambda: wait_until(lambda: comeback(server, old, key, topics_of), TIMEOUT_S) and comeback(server, old, key, topics_of))
    assert new, journal(server)
    await asyncio.wait_for(resumed.wait(), TIMEOUT_S)
    return new, assert_came_back(server, old, new, key, fault, topics_of)


def test_massive_after_a_drop_comes_back_with_the_same_key_and_exactly_the_same_topics(serve):
    server = serve("--symbols", "AAPL,MSFT")
    topics = ["T.AAPL", "Q.MSFT", "T.MSFT"]
    client = WebSocketClient(api_key="jmassive", feed=server.feed, market="stocks", secure=False,
                             subscriptions=topics, max_reconnects=5)
    phase = {"dropped": False, "after": 0}
    first = asyncio.Event()
    resumed = asyncio.Event()

    async def handler(msgs):
        first.set()
        if phase["dropped"]:
            phase["after"] += len(msgs)
            if phase["after"] >= 3:
                resumed.set()

    async def scenario():
        task = asyncio.create_task(client.connect(handler))
        try:
            await asyncio.wait_for(first.wait(), TIMEOUT_S)
            [old] = await asyncio.to_thread(authenticated_connections, server, "jmassive")
            assert await asyncio.to_thread(polygon_topics, journal(server), old) == sorted(topics)
            phase["dropped"] = True
            new, entries = await drop_and_come_back(server, old, "jmassive", polygon_topics, resumed)
            [upgraded] = of(entries, new, "upgraded")
            assert upgraded["dialect"] == "polygon" and upgraded["path"] == "/stocks", upgraded
            # What the client sent on the new connection: its auth, then one subscribe with every topic.
            sent = [json.loads(e["text"]) for e in of(entries, new, "received")]
            assert sent[0] == {"action": "auth", "params": "jmassive"}
            assert sent[1]["action"] == "subscribe" and sorted(sent[1]["params"].split(",")) == sorted(topics)
        finally:
            await stop_polygon(client, task)

    asyncio.run(scenario())


def test_alpaca_py_after_a_drop_comes_back_with_the_same_key_and_exactly_the_same_subscriptions(serve):
    server = serve("--symbols", "AAPL,MSFT")
    stream = StockDataStream("jalpaca", "hunter2", url_override=f"ws://{server.feed}/v2/iex")
    phase = {"dropped": False, "after": 0}
    first = asyncio.Event()
    resumed = asyncio.Event()

    async def on(_):
        first.set()
        if phase["dropped"]:
            phase["after"] += 1
            if phase["after"] >= 3:
                resumed.set()

    stream.subscribe_trades(on, "AAPL", "MSFT")
    stream.subscribe_quotes(on, "AAPL")
    wanted = [("quotes", "AAPL"), ("trades", "AAPL"), ("trades", "MSFT")]

    async def scenario():
        task = asyncio.create_task(stream._run_forever())
        try:
            await asyncio.wait_for(first.wait(), TIMEOUT_S)
            [old] = await asyncio.to_thread(authenticated_connections, server, "jalpaca")
            assert await asyncio.to_thread(alpaca_topics, journal(server), old) == wanted
            phase["dropped"] = True
            new, entries = await drop_and_come_back(server, old, "jalpaca", alpaca_topics, resumed)
            [upgraded] = of(entries, new, "upgraded")
            assert upgraded["dialect"] == "alpaca" and upgraded["path"] == "/v2/iex" and upgraded["codec"] == "msgpack"
            assert upgraded["headers"]["content-type"] == "application/msgpack"
            assert upgraded["headers"]["user-agent"].startswith("APCA-PY/")
            # Its frames, msgpack shown as JSON: the auth with the secret hidden, then the subscribe.
            received = of(entries, new, "received")
            assert all(e["format"] == "msgpack" for e in received)
            assert json.loads(received[0]["text"]) == {"action": "auth", "key": "jalpaca", "secret": "***"}
            subscribe = json.loads(received[1]["text"])
            assert subscribe["action"] == "subscribe"
            assert sorted(subscribe["trades"]) == ["AAPL", "MSFT"] and subscribe["quotes"] == ["AAPL"]
            assert "hunter2" not in json.dumps(entries)
        finally:
            await stop_alpaca(stream, task)

    asyncio.run(scenario())


def test_the_journal_hides_secrets_filters_pages_and_clears(serve):
    server = serve("--symbols", "AAPL,MSFT")

    async def clients():
        polygon_headers = {"Authorization": "Bearer topsecret", "X-Trace": "t1"}
        async with websockets.connect(f"ws://{server.feed}/stocks", additional_headers=polygon_headers) as ws:
            await ws.recv()
            await ws.send('{"action":"auth","params":"pk"}')
            await ws.recv()
            await ws.send('{"action":"subscribe","params":"T.AAPL,Q.MSFT"}')
            await ws.recv()
            await ws.send('{"action":"unsubscribe","params":"Q.MSFT"}')
            await ws.recv()
        alpaca_headers = {"APCA-API-KEY-ID": "hk", "APCA-API-SECRET-KEY": "alsosecret"}
        async with websockets.connect(f"ws://{server.feed}/v2/iex", additional_headers=alpaca_headers) as ws:
            await ws.recv()  # connected
            await ws.recv()  # authenticated by the headers
            await ws.send('{"action":"subscribe","trades":["AAPL"],"quotes":["MSFT"]}')
            await ws.recv()
        async with websockets.connect(f"ws://{server.feed}/v2/iex") as ws:
            await ws.recv()
            await ws.send('{"action":"auth","key":"jk","secret":"thirdsecret"}')
            await ws.recv()

    asyncio.run(clients())
    # Each client closed: wait for the last one's `closed`.
    assert wait_until(lambda: len(journal(server, kind="closed")) == 3, 30), journal(server)
    everything = journal(server)
    dump = json.dumps(everything)
    for secret in ("topsecret", "alsosecret", "thirdsecret"):
        assert secret not in dump
    polygon, header_alpaca, alpaca = [e["connection"] for e in of(everything, kind="upgraded")]
    [up] = of(everything, polygon, "upgraded")
    assert up["headers"]["authorization"] == "***" and up["headers"]["x-trace"] == "t1"
    [up] = of(everything, header_alpaca, "upgraded")
    assert up["headers"]["apca-api-secret-key"] == "***" and up["headers"]["apca-api-key-id"] == "hk" and up["codec"] == "json"
    [auth] = of(everything, alpaca, "received")
    assert auth["format"] == "text" and json.loads(auth["text"]) == {"action": "auth", "key": "jk", "secret": "***"}
    assert [e["key"] for e in of(everything, kind="authenticated")] == ["pk", "hk", "jk"]

    # Filters: one connection, some kinds.
    subs = journal(server, connection=polygon, kind=["subscribed", "unsubscribed"])
    assert [(e["kind"], e["channel"], e["symbol"], e["topic"]) for e in subs] == [
        ("subscribed", "T", "AAPL", "T.AAPL"), ("subscribed", "Q", "MSFT", "Q.MSFT"), ("unsubscribed", "Q", "MSFT", "Q.MSFT")]
    both = journal(server, connection=[polygon, header_alpaca], kind="subscribed")
    assert {e["connection"] for e in both} == {polygon, header_alpaca} and len(both) == 4
    assert sorted((e["channel"], e["symbol"]) for e in of(both, header_alpaca)) == [("quotes", "MSFT"), ("trades", "AAPL")]
    assert of(everything, polygon, "closed")[0]["by"] == "client"

    # Paging: `next` of one page is the `after` of the next; together they are the whole journal.
    seqs = [e["seq"] for e in everything]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    pages, after = [], None
    while True:
        page = journal_page(server, limit=4, after=after)
        assert page["discarded"] == 0
        if not page["entries"]:
            assert page["next"] == seqs[-1]
            break
        assert len(page["entries"]) <= 4 and page["next"] == page["entries"][-1]["seq"]
        pages += page["entries"]
        after = page["next"]
    assert [e["seq"] for e in pages] == seqs

    # From a time on: `since` is an entry's own (wall-clock) time.
    middle = everything[len(everything) // 2]
    since = journal(server, since=middle["time"])
    assert middle["seq"] in [e["seq"] for e in since]
    assert {e["seq"] for e in since} == {e["seq"] for e in everything if rfc3339_ns(e["time"]) >= rfc3339_ns(middle["time"])}

    # A bad filter is a 400 that names it.
    with pytest.raises(urllib.error.HTTPError) as bad:
        journal_page(server, kind="nonsense")
    assert bad.value.code == 400

    # `ctl journal` shows the same entries; `--clear` empties the journal and numbering goes on.
    shown = json.loads(ctl(server, "--json", "journal", "--connection", polygon, "--kind", "subscribed"))
    assert [e["topic"] for e in shown["entries"]] == ["T.AAPL", "Q.MSFT"]
    request = urllib.request.Request(f"http://{server.feed}/control/journal", method="DELETE")
    with urllib.request.urlopen(request, timeout=30) as r:
        assert json.loads(r.read())["cleared"] == len(everything)
    assert journal(server) == []

    async def one_more():
        async with websockets.connect(f"ws://{server.feed}/stocks") as ws:
            await ws.recv()

    asyncio.run(one_more())
    assert wait_until(lambda: of(journal(server), kind="closed"), 30)
    after_clear = journal(server)
    assert of(after_clear, kind="upgraded") and min(e["seq"] for e in after_clear) > seqs[-1]
    assert "cleared" in ctl(server, "journal", "--clear")
    assert journal(server) == []


def test_ctl_journal_follow_prints_entries_as_they_come(serve):
    server = serve("--symbols", "AAPL")
    follower = subprocess.Popen([BIN, "ctl", "--url", f"http://{server.feed}", "journal", "--follow", "--kind", "authenticated,subscribed"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []

    def pump():
        for line in follower.stdout:
            lines.append(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        async def client(key, topic):
            async with websockets.connect(f"ws://{server.feed}/stocks") as ws:
                await ws.recv()
                await ws.send(json.dumps({"action": "auth", "params": key}))
                await ws.recv()
                await ws.send(json.dumps({"action": "subscribe", "params": topic}))
                await ws.recv()

        # Entries that come after the follower started, one client after the other.
        for key, topic in (("f1", "T.AAPL"), ("f2", "Q.AAPL")):
            asyncio.run(client(key, topic))
            assert wait_until(lambda: any(f"topic={topic}" in line for line in list(lines)), 30), lines
        shown = [line.split()[0] for line in list(lines)]
        seqs = [e["seq"] for e in journal(server, kind=["authenticated", "subscribed"])]
        assert shown == [f"#{n}" for n in seqs], (lines, seqs)
    finally:
        follower.terminate()
        try:
            follower.wait(10)
        except subprocess.TimeoutExpired:
            follower.kill()
