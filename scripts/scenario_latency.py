"""How long after its market time a scenario applied "now" reaches a client, in another process.

Subscribes to AAPL's trading statuses on /v2/iex (plus trades on `--busy` symbols, so the feed is
working), then, N times: POST /control/scenarios a halt of AAPL for 2 s at "now", and time the `s`
message that announces it. The halt's instant is converted to wall time with the server's clock
anchor (/stats), so the figure is the delay a client sees: the flush cadence, the time to make the
symbol's minute again, encoding and the socket. Prints p50, p99 and max over the samples.

Needs the websockets package (e.g. from .venv-interop). Run against a server at speed 1:
    tickforge serve --port 8765 &
    python scripts/scenario_latency.py 8765 200
"""
import asyncio, json, sys, time, urllib.request
from datetime import datetime

import websockets


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=30) as r:
        return json.loads(r.read())


def ns(rfc3339):
    """Nanoseconds since the epoch of an RFC 3339 instant with up to 9 fraction digits."""
    head, _, frac = rfc3339.rstrip("Z").partition(".")
    seconds = int(datetime.fromisoformat(head + "+00:00").timestamp())
    return seconds * 1_000_000_000 + int((frac + "000000000")[:9])


async def main(port, samples):
    s = stats(port)
    anchor_market, anchor_wall = s["clockAnchorMarketNs"], s["clockAnchorWallNs"]
    speed = float(s["speed"])
    wall = lambda market_ns: anchor_wall + (market_ns - anchor_market) / speed
    halts, status_seen, trade_delays = [], {}, []
    async with websockets.connect(f"ws://127.0.0.1:{port}/v2/iex", max_size=2**22, ping_interval=None) as ws:
        await ws.recv()
        await ws.send(json.dumps({"action": "auth", "key": "k", "secret": "s"}))
        await ws.recv()
        await ws.send(json.dumps({"action": "subscribe", "statuses": ["AAPL"], "trades": ["MSFT", "NVDA", "AMZN", "META"]}))

        async def read():
            # Reads all the time: a frame left waiting in the socket would count as late.
            while True:
                frame = json.loads(await ws.recv())
                received = time.time_ns()
                for m in frame:
                    if m.get("T") == "t":
                        trade_delays.append((received - wall(ns(m["t"]))) / 1e6)
                    elif m.get("T") == "s" and m.get("sc") in ("P", "H"):
                        status_seen.setdefault(m["t"], received)

        reader = asyncio.create_task(read())
        loop = asyncio.get_running_loop()
        for i in range(samples):
            # Each halt lasts 2 s of market time; wait out the previous one first.
            halt = await loop.run_in_executor(None, post, port, "/control/scenarios", {"kind": "halt", "symbol": "AAPL", "for": "2s"})
            halts.append(halt["at"])
            await asyncio.sleep(2.2 / speed)
        await asyncio.sleep(0.5)
        reader.cancel()
    delays = [(status_seen[at] - wall(ns(at))) / 1e6 for at in halts if at in status_seen]

    def summary(xs):
        xs.sort()
        pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
        return f"p50 {pick(0.5):.2f} ms, p90 {pick(0.9):.2f} ms, p99 {pick(0.99):.2f} ms, max {xs[-1]:.2f} ms"
    print(f"{len(delays)} of {len(halts)} halts: {summary(delays)} (from the halt's market time to its status at the client)")
    print(f"{len(trade_delays)} trades meanwhile: {summary(trade_delays)} (from each trade's market time)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100))
