"""Faults at the door, as the official clients and raw sockets meet them, with the connection
journal (`GET /control/journal`) as the server's witness:

- `reject`: the clients retry through refused upgrades, a raw socket sees the status (429, 503);
- `auth-fail`: massive raises its AuthError and stops, alpaca-py logs the 402 and tries again;
- `connection-limit`: Polygon evicts the older connection (`max_connections`), Alpaca refuses the
  newcomer (406).
"""
import asyncio
import json
import logging

import pytest
import websockets
from alpaca.data.live import StockDataStream
from massive.exceptions import AuthError
from massive.websocket import WebSocketClient

from conftest import wait_until
from fault_sockets import (INVALID_STATUS, TIMEOUT_S, alpaca_socket, alpaca_until_first_trade, faults, is_status,
                           massive_until_first_data, next_message, polygon_socket, refused_status)
from test_journal import authenticated_connections, fault_id, journal, of, rfc3339_ns
from test_scenarios import ctl

def test_massive_retries_through_two_rejected_upgrades(serve):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "reject", "--count", "2", "--status", "429"))
    client = WebSocketClient(api_key="refusedtwice", feed=server.feed, market="stocks", secure=False,
                             subscriptions=["T.AAPL"], max_reconnects=5)
    asyncio.run(massive_until_first_data(client))
    entries = journal(server, kind=["rejected", "upgraded", "authenticated", "subscribed"])
    assert [e["kind"] for e in entries] == ["rejected", "rejected", "upgraded", "authenticated", "subscribed"], entries
    for e in entries[:2]:
        assert (e["connection"], e["status"], e["fault"], e["path"]) == ("-", 429, fault, "/stocks"), e
    upgraded, authenticated, subscribed = entries[2:]
    assert upgraded["connection"] == authenticated["connection"] == subscribed["connection"]
    assert authenticated["key"] == "refusedtwice" and subscribed["topic"] == "T.AAPL"
    f = faults(server)[fault]
    assert (f["state"], f["count"], f["used"], f["status"]) == ("ended", 2, 2, 429), f


def test_alpaca_py_retries_through_two_rejected_upgrades(serve):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "reject", "--count", "2", "--status", "429", "--path", "/v2/iex"))
    stream = StockDataStream("refusedtwice", "secret", url_override=f"ws://{server.feed}/v2/iex")
    asyncio.run(alpaca_until_first_trade(stream))
    entries = journal(server, kind=["rejected", "upgraded", "authenticated", "subscribed"])
    assert [e["kind"] for e in entries] == ["rejected", "rejected", "upgraded", "authenticated", "subscribed"], entries
    for e in entries[:2]:
        assert (e["connection"], e["status"], e["fault"], e["path"]) == ("-", 429, fault, "/v2/iex"), e
    assert entries[3]["key"] == "refusedtwice" and (entries[4]["channel"], entries[4]["symbol"]) == ("trades", "AAPL")
    assert faults(server)[fault]["used"] == 2


@pytest.mark.parametrize("status", [429, 503])
def test_a_raw_upgrade_gets_the_status_of_a_reject_on_its_path_and_the_next_one_goes_through(serve, status):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "reject", "--status", str(status), "--path", "/v2/iex"))

    async def scenario():
        # Another path is not its business.
        async with websockets.connect(f"ws://{server.feed}/stocks") as ws:
            assert json.loads(await ws.recv())[0]["status"] == "connected"
        with pytest.raises(INVALID_STATUS) as refused:
            async with websockets.connect(f"ws://{server.feed}/v2/iex"):
                pass
        # Its one use is spent: the next upgrade goes through.
        async with websockets.connect(f"ws://{server.feed}/v2/iex") as ws:
            assert json.loads(await ws.recv()) == [{"T": "success", "msg": "connected"}]
        return refused_status(refused.value)

    got = asyncio.run(scenario())
    [rejected] = journal(server, kind="rejected")
    assert (rejected["connection"], rejected["status"], rejected["fault"], rejected["path"]) == ("-", status, fault, "/v2/iex")
    assert rejected["remote"].startswith("127.0.0.1:")
    assert [e["path"] for e in journal(server, kind="upgraded")] == ["/stocks", "/v2/iex"]
    assert (faults(server)[fault]["state"], faults(server)[fault]["used"]) == ("ended", 1)
    assert got == status, f"the refused upgrade was answered {got}, the journal says {status}"


def test_a_scheduled_reject_waits_for_its_time_and_one_still_to_come_can_be_called_off(serve):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "reject", "--at", "+8s"))
    later = fault_id(ctl(server, "reject", "--at", "+1h"))
    assert faults(server)[fault]["state"] == "scheduled"
    assert ctl(server, "end-fault", later).startswith(f"ended {later}")
    assert faults(server)[later]["state"] == "ended"

    async def connect():
        async with websockets.connect(f"ws://{server.feed}/stocks") as ws:
            return json.loads(await ws.recv())[0]["status"]

    assert asyncio.run(connect()) == "connected"
    assert wait_until(lambda: faults(server)[fault]["state"] == "active", 30), faults(server)
    with pytest.raises(INVALID_STATUS):
        asyncio.run(connect())
    assert asyncio.run(connect()) == "connected"
    at = rfc3339_ns(faults(server)[fault]["at"])
    early, late = journal(server, kind="upgraded")
    [rejected] = journal(server, kind="rejected")
    assert rejected["fault"] == fault
    assert rfc3339_ns(early["marketTime"]) < at <= rfc3339_ns(rejected["marketTime"]) < rfc3339_ns(late["marketTime"])


def test_massive_raises_its_auth_error_on_an_auth_fail_and_the_next_client_gets_in(serve):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "auth-fail", "--count", "1"))

    def client():
        return WebSocketClient(api_key="goodkey", feed=server.feed, market="stocks", secure=False,
                               subscriptions=["T.AAPL"], max_reconnects=5)

    async def refused():
        async def handler(_):
            pass
        await asyncio.wait_for(client().connect(handler), TIMEOUT_S)

    with pytest.raises(AuthError, match="authentication failed"):
        asyncio.run(refused())
    entries = journal(server)
    [first] = [e["connection"] for e in of(entries, kind="upgraded")]
    [refusal] = of(entries, first, "refused")
    assert refusal["why"] == f"fault {fault}" and refusal["status"] == "auth_failed", refusal
    [dropped] = of(entries, first, "dropped")
    assert dropped["why"] == "auth-failed" and dropped["seq"] > refusal["seq"], dropped
    assert not of(entries, kind="authenticated") and not of(entries, kind="subscribed")
    f = faults(server)[fault]
    assert (f["state"], f["used"], f["appliedTo"]) == ("ended", 1, [first]), f

    # Its one use is spent: the same key gets in and gets data.
    asyncio.run(massive_until_first_data(client()))
    [second] = authenticated_connections(server, "goodkey")
    assert second != first


def test_alpaca_py_meets_each_402_of_an_auth_fail_with_its_error_and_tries_again(serve, caplog):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "auth-fail", "--count", "2", "--dialect", "alpaca"))
    stream = StockDataStream("afkey", "secret", url_override=f"ws://{server.feed}/v2/iex")
    with caplog.at_level(logging.ERROR, logger="alpaca.data.live.websocket"):
        asyncio.run(alpaca_until_first_trade(stream))
    # alpaca-py raises ValueError(msg) on an error reply to its auth, logs it, closes, backs off, retries.
    raised = [r.exc_info[1] for r in caplog.records if r.name == "alpaca.data.live.websocket" and r.exc_info]
    assert [(type(e), str(e)) for e in raised] == [(ValueError, "auth failed")] * 2, raised
    entries = journal(server)
    connections = [e["connection"] for e in of(entries, kind="upgraded")]
    assert len(connections) == 3, entries
    for c in connections[:2]:
        assert [(e["why"], e["code"]) for e in of(entries, c, "refused")] == [(f"fault {fault}", 402)]
        assert not of(entries, c, "authenticated") and not of(entries, c, "dropped")
        # Alpaca keeps the socket open after a 402; the client closed it.
        assert [e["by"] for e in of(entries, c, "closed")] == ["client"]
    [authenticated] = of(entries, connections[2], "authenticated")
    assert authenticated["key"] == "afkey"
    assert [(e["channel"], e["symbol"]) for e in of(entries, connections[2], "subscribed")] == [("trades", "AAPL")]
    f = faults(server)[fault]
    assert (f["state"], f["used"], f["appliedTo"]) == ("ended", 2, connections[:2]), f


def test_polygon_connection_limit_evicts_the_older_connection_until_it_ends(serve):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "connection-limit", "--limit", "1", "--for", "1m"))
    assert faults(server)[fault]["state"] == "active" and faults(server)[fault]["limit"] == 1

    async def scenario():
        older = await polygon_socket(server, "limited")
        newer = third = None
        try:
            await older.send('{"action":"subscribe","params":"T.AAPL"}')
            await next_message(older, is_status("success", "subscribed to: T.AAPL"))
            [older_id] = await asyncio.to_thread(authenticated_connections, server, "limited")
            newer = await polygon_socket(server, "limited")
            # The older gets max_connections, then its socket goes with no close frame.
            with pytest.raises(websockets.exceptions.ConnectionClosedError) as gone:
                await next_message(older, is_status("max_connections"))
                while True:
                    await asyncio.wait_for(older.recv(), TIMEOUT_S)
            assert gone.value.rcvd is None
            # The newer goes on: it subscribes and gets trades.
            await newer.send('{"action":"subscribe","params":"T.AAPL"}')
            await next_message(newer, lambda m: m.get("ev") == "T" and m.get("sym") == "AAPL")
            newer_id = (await asyncio.to_thread(authenticated_connections, server, "limited"))[-1]
            entries = await asyncio.to_thread(journal, server, connection=older_id, kind="dropped")
            assert [(e["why"], e["status"]) for e in entries] == [("evicted", "max_connections")], entries

            # Once the fault ends, a third connection on the key leaves the newer one be.
            assert (await asyncio.to_thread(ctl, server, "end-fault", fault)).startswith(f"ended {fault}")
            third = await polygon_socket(server, "limited")
            # Frames are handled in order: once the third's subscribe is answered, its
            # authentication has had all its effects.
            await third.send('{"action":"subscribe","params":"Q.AAPL"}')
            await next_message(third, is_status("success", "subscribed to: Q.AAPL"))
            await newer.send('{"action":"subscribe","params":"Q.AAPL"}')
            await next_message(newer, is_status("success", "subscribed to: Q.AAPL"))
            assert not await asyncio.to_thread(journal, server, connection=newer_id, kind="dropped")
        finally:
            for ws in (older, newer, third):
                if ws is not None:
                    await ws.close()

    asyncio.run(scenario())
    f = faults(server)[fault]
    assert f["state"] == "ended" and "until" in f, f


def test_alpaca_connection_limit_refuses_the_newcomer_with_406_and_keeps_its_socket_open(serve):
    server = serve("--symbols", "AAPL")
    fault = fault_id(ctl(server, "connection-limit", "--limit", "1", "--path", "/v2/iex", "--for", "1m"))

    async def scenario():
        first, answer = await alpaca_socket(server, "limited")
        second = None
        try:
            assert answer == [{"T": "success", "msg": "authenticated"}]
            second, answer = await alpaca_socket(server, "limited")
            assert answer == [{"T": "error", "code": 406, "msg": "connection limit exceeded"}]
            # The first is untouched.
            await first.send('{"action":"subscribe","trades":["AAPL"]}')
            ack = json.loads(await asyncio.wait_for(first.recv(), TIMEOUT_S))
            assert ack[0]["T"] == "subscription" and ack[0]["trades"] == ["AAPL"]
            [first_id] = await asyncio.to_thread(authenticated_connections, server, "limited")
            # Once the first is gone, the second's socket, still open, may authenticate.
            await first.close()
            assert await asyncio.to_thread(
                wait_until, lambda: journal(server, connection=first_id, kind="closed"), TIMEOUT_S)
            await second.send(json.dumps({"action": "auth", "key": "limited", "secret": "s"}))
            assert json.loads(await asyncio.wait_for(second.recv(), TIMEOUT_S)) == [{"T": "success", "msg": "authenticated"}]
            return first_id
        finally:
            await first.close()
            if second is not None:
                await second.close()

    first_id = asyncio.run(scenario())
    entries = journal(server)
    second_id = [e["connection"] for e in of(entries, kind="upgraded")][1]
    assert [(e["why"], e["code"]) for e in of(entries, second_id, "refused")] == [("connection limit exceeded", 406)]
    [auth] = of(entries, second_id, "authenticated")
    assert auth["seq"] > of(entries, first_id, "closed")[0]["seq"]
    assert not of(entries, first_id, "dropped")
    assert faults(server)[fault]["path"] == "/v2/iex"
