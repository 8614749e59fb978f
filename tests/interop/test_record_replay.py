"""`--record FILE` and `tickforge replay FILE`.

- what `serve --record` writes (plain, or gzip for a name ending in .gz) is exactly what its clients were sent, and a replay of it sends the
  same events again, in the same frames, byte for byte, on every run;
- a replay serves both dialects: alpaca-py reads a recording made from the Polygon side;
- `proxy --record` records the upstream's events with the upstream's own timestamps;
- `tickforge import` turns Polygon flat files into a recording the official client reads.
"""
import asyncio
import gzip
import json
import subprocess
import time

import pytest
import websockets
from alpaca.data.live import StockDataStream

from massive.websocket import WebSocketClient

from conftest import BIN, Server, stop_alpaca, stop_polygon, wait_until
from fault_sockets import polygon_socket, read_frames

TIMEOUT_S = 90


def event_objects(frames):
    """Every non-status message of a list of raw frames, as canonical JSON."""
    return [json.dumps(m, sort_keys=True) for f in frames for m in json.loads(f) if m.get("ev") != "status"]


async def record_frames(server, params, seconds, key="k"):
    """The raw data frames a client subscribed to `params` reads for `seconds`, and on until it
    has seen every one of those topics (a busy machine may make the first minutes late)."""
    ws = await polygon_socket(server, key)
    await ws.send(json.dumps({"action": "subscribe", "params": params}))
    wanted = set(params.split(","))
    frames = await read_frames(ws, seconds)
    deadline = time.monotonic() + TIMEOUT_S
    while not wanted <= {f"{m['ev']}.{m.get('sym')}" for f in frames for m in json.loads(f)} and time.monotonic() < deadline:
        frames += await read_frames(ws, 1)
    await ws.close()
    return [f for f in frames if '"ev":"status"' not in f]


async def replay_frames(server, params, expected_events):
    """The raw data frames of a replay, read until `expected_events` events came."""
    ws = await polygon_socket(server, "k")
    await ws.send(json.dumps({"action": "subscribe", "params": params}))
    frames, count, deadline = [], 0, time.monotonic() + TIMEOUT_S
    while count < expected_events and time.monotonic() < deadline:
        frame = await asyncio.wait_for(ws.recv(), TIMEOUT_S)
        if '"ev":"status"' in frame:
            continue
        frames.append(frame)
        count += len(json.loads(frame))
    await ws.close()
    return frames


def recorded_lines(path):
    with (gzip.open(path, "rt") if str(path).endswith(".gz") else open(path)) as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.parametrize("name", ["session.ndjson", "session.ndjson.gz"])
def test_a_recording_holds_what_clients_were_sent_and_replays_byte_identical_run_after_run(serve, tmp_path, name):
    path = str(tmp_path / name)
    server = serve("--record", path, "--symbols", "AAPL,MSFT")
    live = asyncio.run(record_frames(server, "T.AAPL,Q.AAPL,T.MSFT", 3))
    server.stop()  # the recorder writes what is left and closes the file on SIGTERM
    with open(path, "rb") as f:
        assert (f.read(2) == b"\x1f\x8b") == name.endswith(".gz"), "a name ending in .gz records gzip, any other plain NDJSON"
    lines = recorded_lines(path)
    assert {(l["kind"], l["sym"]) for l in lines} == {("trade", "AAPL"), ("quote", "AAPL"), ("trade", "MSFT")}
    live_events = event_objects(live)
    # Everything sent was recorded; the recording may hold the last instant's events the client
    # had not read when it closed.
    assert 0 < len(live_events) <= len(lines)

    runs = []
    for _ in range(2):
        replay = Server(path, "--speed", "max", command="replay")
        try:
            runs.append(asyncio.run(replay_frames(replay, "T.*,Q.*", len(lines))))
        finally:
            replay.stop()
    assert runs[0] == runs[1], "a replay must send the same frames every run"
    replayed = event_objects(runs[0])
    assert len(replayed) == len(lines)
    assert replayed[: len(live_events)] == live_events, "the replay sends what the live clients got, in order"


def test_a_replay_serves_alpaca_clients_too_at_the_recorded_pace(serve, tmp_path):
    path = str(tmp_path / "polygon-side.ndjson")
    server = serve("--record", path, "--symbols", "AAPL")
    asyncio.run(record_frames(server, "T.AAPL", 2))
    server.stop()
    recorded = {l["i"]: l for l in recorded_lines(path) if l["kind"] == "trade"}
    assert recorded

    replay = Server(path, "--speed", "1", command="replay")
    try:
        async def run():
            received = []
            stream = StockDataStream("k", "s", url_override=f"ws://{replay.feed}/v2/iex")

            async def on_trade(t):
                received.append(t)

            stream.subscribe_trades(on_trade, "AAPL")
            task = asyncio.create_task(stream._run_forever())
            started = time.monotonic()
            try:
                await asyncio.to_thread(wait_until, lambda: len(received) >= len(recorded), TIMEOUT_S)
            finally:
                await stop_alpaca(stream, task)
            return received, time.monotonic() - started

        received, elapsed = asyncio.run(run())
        assert [t.id for t in received] == list(recorded)
        for t in received:
            r = recorded[t.id]
            assert t.symbol == "AAPL" and t.price == r["p"] and t.size == r["s"]
            assert int(t.timestamp.timestamp() * 1e6) == r["t"] // 1000
        first, last = min(r["t"] for r in recorded.values()), max(r["t"] for r in recorded.values())
        # At 1× the replay takes as long as the recording spans (less the client's own start-up).
        assert elapsed >= (last - first) / 1e9 * 0.8
    finally:
        replay.stop()


def test_a_proxy_records_its_upstreams_events_with_their_own_timestamps(serve, proxy, tmp_path):
    path = str(tmp_path / "proxied.ndjson")
    upstream = serve("--api-key", "upkey", "--symbols", "AAPL")
    p = proxy(upstream, "--record", path, "--synthetic", "FAKETICKER")
    assert wait_until(lambda: p.stats()["upstream"]["state"] == "live", TIMEOUT_S), p.stats()

    async def run():
        # The upstream's own trades, read straight from it over the same seconds, as the reference.
        straight, _ = await asyncio.gather(record_frames(upstream, "T.AAPL", 4, key="upkey"), record_frames(p, "T.AAPL", 3))
        return straight

    straight = asyncio.run(run())
    p.stop()
    upstream_trades = {m["i"]: m for f in straight for m in json.loads(f) if m.get("ev") == "T"}
    lines = [l for l in recorded_lines(path) if l["kind"] == "trade"]
    assert lines, "the proxy recorded nothing"
    matched = [l for l in lines if str(l["i"]) in upstream_trades]
    assert len(matched) >= len(lines) * 0.5, (len(matched), len(lines))
    for l in matched:
        u = upstream_trades[str(l["i"])]
        assert l["t"] == u["t"] * 1_000_000 and l["p"] == u["p"] and l["s"] == u["s"]


FLAT_TRADES = """ticker,conditions,correction,exchange,id,participant_timestamp,price,sequence_number,sip_timestamp,size,tape,trf_id,trf_timestamp
MSFT,"12,37",0,11,900001,1712306654208705342,420.07,3807,1712306654208740096,5,3,0,0
AAPL,,0,4,71675,1712306654100000000,169.5,100,1712306654100100000,100,3,202,1712306654100050000
AAPL,12,0,12,71676,1712306654300000000,169.51,102,1712306654300100000,40,3,0,0
"""


def test_polygon_flat_files_import_into_a_recording_the_official_client_reads(tmp_path):
    trades = tmp_path / "trades.csv.gz"
    with gzip.open(trades, "wt") as f:
        f.write(FLAT_TRADES)
    out = tmp_path / "day.ndjson"
    done = subprocess.run([BIN, "import", str(trades), "--tickers", "AAPL,MSFT", "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "wrote 3 events" in done.stderr
    lines = recorded_lines(out)
    assert [l["i"] for l in lines] == [71675, 900001, 71676], "time order across tickers"

    replay = Server(str(out), "--speed", "max", command="replay")
    try:
        async def run():
            got = []
            client = WebSocketClient(api_key="k", feed=replay.feed, market="stocks", secure=False, subscriptions=["T.*"])

            async def handler(msgs):
                got.extend(msgs)

            task = asyncio.create_task(client.connect(handler))
            try:
                await asyncio.to_thread(wait_until, lambda: len(got) >= 3, TIMEOUT_S)
            finally:
                await stop_polygon(client, task)
            return got

        got = asyncio.run(run())
        assert [(t.symbol, t.price, t.size, t.id) for t in got] == [("AAPL", 169.5, 100, "71675"), ("MSFT", 420.07, 5, "900001"), ("AAPL", 169.51, 40, "71676")]
        assert got[1].conditions == [12, 37] and got[0].trf_id == 202
    finally:
        replay.stop()
