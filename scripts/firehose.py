"""One reader on T.*,Q.*: counts events per second without parsing JSON (needs the websockets package,
e.g. from .venv-interop). Usage: python scripts/firehose.py PORT SECONDS
"""
import asyncio, sys, time, websockets
async def main(port, seconds):
    async with websockets.connect(f"ws://127.0.0.1:{port}/stocks", max_size=2**22, compression=None, ping_interval=None) as ws:
        await ws.recv()
        await ws.send('{"action":"auth","params":"k"}'); await ws.recv()
        await ws.send('{"action":"subscribe","params":"T.*,Q.*"}'); await ws.recv()
        events = frames = 0; nbytes = 0
        t0 = time.monotonic(); warm = t0 + 3
        counting = False
        while True:
            m = await ws.recv(decode=False)
            now = time.monotonic()
            if not counting and now >= warm:
                counting = True; events = frames = nbytes = 0; t0 = now
            events += m.count(b'{"ev":'); frames += 1; nbytes += len(m)
            if counting and now - t0 >= seconds: break
        dt = time.monotonic() - t0
        print(f"events/s {events/dt:,.0f}  frames/s {frames/dt:,.0f}  MB/s {nbytes/dt/1e6:,.1f}  avg events/frame {events/max(frames,1):.0f}")
asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
