"""The official Massive (Polygon) Python client, unchanged but for where it connects: prints
AAPL's trades from `tickforge serve` and reconnects on its own when the connection drops.

    python3 -m venv .venv-demo && .venv-demo/bin/pip install "massive>=2.9,<3"
    .venv-demo/bin/python examples/clients/massive_trades.py

Environment: TICKFORGE_FEED (default 127.0.0.1:8765), MASSIVE_API_KEY (default demo).
"""
import os

from massive.websocket import WebSocketClient


def show(messages):
    for m in messages:
        print(f"{m.symbol} {m.size} @ {m.price}  t={m.timestamp}", flush=True)


client = WebSocketClient(
    api_key=os.environ.get("MASSIVE_API_KEY", "demo"),
    feed=os.environ.get("TICKFORGE_FEED", "127.0.0.1:8765"),
    market="stocks",
    secure=False,
    subscriptions=["T.AAPL"],
)
client.run(show)
