"""REST latency straight from a server and through a proxy in front of it, interleaved so both
meet the same machine: one keep-alive connection each, the same request in turn.
Usage: python scripts/rest_through_proxy.py DIRECT_PORT PROXY_PORT PATH REQUESTS
e.g.   python scripts/rest_through_proxy.py 8765 8766 '/v2/aggs/ticker/AAPL/range/1/minute/2026-11-24/2026-11-24?limit=50000' 300
"""
import http.client, sys, time


def percentile(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def main(direct_port, proxy_port, path, n):
    sep = "&" if "?" in path else "?"
    connections = {"direct": (http.client.HTTPConnection("127.0.0.1", direct_port), f"{path}{sep}apiKey=direct"),
                   "proxy": (http.client.HTTPConnection("127.0.0.1", proxy_port), f"{path}{sep}apiKey=client")}
    times = {name: [] for name in connections}
    sizes = {}
    for i in range(n + 10):
        for name, (conn, url) in connections.items():
            t0 = time.perf_counter()
            conn.request("GET", url)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            assert response.status == 200, (name, response.status, body[:200])
            sizes[name] = len(body)
            if i >= 10:  # the first ten warm both ends up
                times[name].append(elapsed)
    for name, samples in times.items():
        print(f"{name:7} {n} requests of {sizes[name]:,} bytes: p50 {percentile(samples, 50):.2f} ms, p99 {percentile(samples, 99):.2f} ms, "
              f"p999 {percentile(samples, 99.9):.2f} ms, max {max(samples):.2f} ms")
    added = [p - d for p, d in zip(times["proxy"], times["direct"])]
    print(f"added by the proxy, request by request: p50 {percentile(added, 50):.2f} ms, p99 {percentile(added, 99):.2f} ms")


main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
