"""Opens N WebSocket connections to /stocks, authenticates each with its own key, then holds them idle.

Usage: python3 scripts/idle_connections.py PORT N SECONDS  (stdlib only)
"""
import socket, sys, time
port = int(sys.argv[1]); n = int(sys.argv[2])
def frame(t):
    b = t.encode(); return bytes([0x81, 0x80 | len(b), 0,0,0,0]) + b
socks = []
for i in range(n):
    s = socket.socket(); s.connect(("127.0.0.1", port))
    s.send(b"GET /stocks HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" + frame('{"action":"auth","params":"k%d"}' % i))
    socks.append(s)
time.sleep(3)
for s in socks:
    s.recv(65536)
print("open", len(socks), flush=True)
time.sleep(float(sys.argv[3]))
