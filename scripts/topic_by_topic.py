"""Subscribes one topic per message, the way the Go client does (A, AM, T, Q, LULD), and counts the
A and AM bars that arrive for each market minute: each second's A and each minute's AM once.
Needs the websockets package (e.g. from .venv-interop).
Usage: python scripts/topic_by_topic.py PORT SECONDS [SYMBOL]
"""
import asyncio, collections, json, sys, time, websockets

async def main(port, seconds, symbol):
    async with websockets.connect(f"ws://127.0.0.1:{port}/stocks", max_size=2**22, ping_interval=None) as ws:
        await ws.recv()
        await ws.send('{"action":"auth","params":"k"}')
        for topic in ["A", "AM", "T", "Q", "LULD"]:
            await ws.send(json.dumps({"action": "subscribe", "params": f"{topic}.{symbol}"}))
        a = collections.Counter()
        am = collections.Counter()
        seen_a = collections.Counter()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                frame = await asyncio.wait_for(ws.recv(), timeout=max(0.1, end - time.monotonic()))
            except asyncio.TimeoutError:
                break
            for e in json.loads(frame):
                if e.get("ev") == "A":
                    a[e["s"] // 60000] += 1
                    seen_a[e["s"]] += 1
                elif e.get("ev") == "AM":
                    am[e["s"] // 60000] += 1
        minutes = sorted(set(a) | set(am))
        print("minute (UTC)        A bars  AM bars")
        for m in minutes:
            print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(m * 60))}   {a[m]:6d}  {am[m]:7d}")
        repeats = sum(1 for c in seen_a.values() if c > 1)
        print(f"A seconds received more than once: {repeats}; AM minutes more than once: {sum(1 for c in am.values() if c > 1)}")

asyncio.run(main(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "AAPL"))
