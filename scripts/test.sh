#!/usr/bin/env bash
# Runs every test: the Swift suites, then end-to-end checks of the built CLI.
# Usage: scripts/test.sh          (from the repository root; needs only the Swift toolchain)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> swift build"
swift build

echo "==> swift test"
swift test

echo "==> CLI: generate is deterministic, seed-sensitive, and windows concatenate"
bin="$(swift build --show-bin-path)/tickforge"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gen() { "$bin" generate --quiet --symbols AAPL,PNNY,FAKETICKER,TESTSTOCK,ACME "$@"; }
passed=0
failed=0
check() { # name, command...
    local name="$1"; shift
    if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
gen --seed 7 --start 2026-11-23T00:00:00-05:00 --end 2026-11-23T00:02:00-05:00 > "$work/a.ndjson"
gen --seed 7 --start 2026-11-23T00:00:00-05:00 --end 2026-11-23T00:02:00-05:00 > "$work/b.ndjson"
gen --seed 8 --start 2026-11-23T00:00:00-05:00 --end 2026-11-23T00:02:00-05:00 > "$work/c.ndjson"
gen --seed 7 --start 2026-11-23T00:00:00-05:00 --end 2026-11-23T00:01:13.5-05:00 > "$work/p1.ndjson"
gen --seed 7 --start 2026-11-23T00:01:13.5-05:00 --end 2026-11-23T00:02:00-05:00 > "$work/p2.ndjson"
check "output is not empty" test "$(wc -l < "$work/a.ndjson")" -gt 10000
check "same seed, same bytes" cmp -s "$work/a.ndjson" "$work/b.ndjson"
check "different seed, different bytes" bash -c "! cmp -s '$work/a.ndjson' '$work/c.ndjson'"
check "sub-windows concatenate to the whole window" bash -c "cat '$work/p1.ndjson' '$work/p2.ndjson' | cmp -s - '$work/a.ndjson'"
check "every trade inside the NBBO, every bar rebuilt exactly" bash -c "'$bin' analyze '$work/a.ndjson' | grep -q 'inside the prevailing NBBO | 100.0% ' && '$bin' analyze '$work/a.ndjson' | grep -q 'rebuilt from trades | 100.0% '"
check "a fixed universe generates nothing for other tickers" bash -c "test -z \"\$('$bin' generate --quiet --universe fixed --symbols AAPL --profile ACME:basePrice=5 --start 2026-11-23T00:00:00-05:00 --duration 5s | grep ACME || true)\" "
check "bad input is refused with a message that shows the expected form" \
    bash -c "out=\$('$bin' generate --start yesterday 2>&1); rc=\$?; [ \$rc -ne 0 ] && grep -q 'RFC 3339' <<< \"\$out\""
# Times: one set of rules for every flag (and the control API to come).
check "an impossible date is refused, not rolled over" \
    bash -c "out=\$('$bin' generate --start 2026-02-30T09:30:00Z 2>&1); rc=\$?; [ \$rc -ne 0 ] && grep -q 'not a time Tickforge reads' <<< \"\$out\""
check "a time without an offset is New York time" \
    bash -c "cmp -s <('$bin' generate --quiet --symbols AAPL --start 2026-11-23T09:30 --duration 2s) <('$bin' generate --quiet --symbols AAPL --start 2026-11-23T09:30:00-05:00 --duration 2s)"
check "a bare date is New York midnight" \
    bash -c "cmp -s <('$bin' generate --quiet --symbols AAPL --start 2026-07-04 --duration 1s) <('$bin' generate --quiet --symbols AAPL --start 2026-07-04T00:00:00-04:00 --duration 1s)"
check "--version prints the version" bash -c "'$bin' --version | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$'"
# A port in use is named, with what to do about it.
port_in_use() {
    local out="$work/first.out"
    "$bin" serve --port 0 > "$out" 2>/dev/null &
    local first=$!
    local port=""
    for _ in $(seq 1 300); do
        port=$(sed -n 's/.*listening on port: *\([0-9][0-9]*\).*/\1/p' "$out" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    local second
    second=$("$bin" serve --port "$port" 2>&1)
    local rc=$?
    kill "$first"; wait "$first" 2>/dev/null
    [ -n "$port" ] && [ $rc -ne 0 ] && grep -q "port $port on 127.0.0.1 is already in use" <<< "$second" && grep -q -- "--port 0" <<< "$second" \
        && ! grep -q "errno" <<< "$second"
}
check "a port already in use is named, with what to do" port_in_use

# Starts `tickforge serve --port 0 ARGS...` in the background; sets $server_pid and $server_port.
start_server() {
    local out="$work/server.$RANDOM.out"
    "$bin" serve --port 0 "$@" > "$out" 2>&1 &
    server_pid=$!
    server_port=""
    for _ in $(seq 1 300); do
        server_port=$(sed -n 's/.*listening on port: *\([0-9][0-9]*\).*/\1/p' "$out" | head -1)
        [ -n "$server_port" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || { cat "$out"; return 1; }
        sleep 0.1
    done
    return 1
}
stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }

# Like grep -q, but reads all of its input: with pipefail, a writer cut off early would fail.
has() { grep "$@" > /dev/null; }

# tickforge ctl against a served market: every subcommand, readable and --json, and its errors.
ctl_end_to_end() {
    local market=(--market-hours calendar --universe fixed --symbols AAPL,MSFT,NVDA,TSLA)
    start_server "${market[@]}" --start 2026-11-23T09:25 --scenario examples/scenarios/luld-pause.yaml || return 1
    local ctl=("$bin" ctl --url "http://127.0.0.1:$server_port")
    local ok=0
    {
        "${ctl[@]}" list | has "^s1  limit  AAPL  scheduled" &&
        "${ctl[@]}" list | has "^s1-pause  halt  AAPL  scheduled" &&
        "${ctl[@]}" halt MSFT --for 2m --reason T1 | has "^added s3  halt  MSFT  active .* reason=T1" &&
        "${ctl[@]}" gap AAPL -8% --at +10s | has "^added s4  gap  AAPL  scheduled .* percent=-8" &&
        "${ctl[@]}" push trade AAPL 231.5 100 --conditions 14 | has "conditions=\[14\] .*price=231.5 size=100" &&
        "${ctl[@]}" push quote AAPL 231.49 231.51 | has "event=quote" &&
        "${ctl[@]}" volatility AAPL 3 --for 5m | has "multiplier=3" &&
        "${ctl[@]}" liquidity MSFT 0.2 --for 1m | has "multiplier=0.2" &&
        "${ctl[@]}" burst MSFT | has "liquidity  MSFT  active" &&
        "${ctl[@]}" trend AAPL -2 | has "percentPerHour=-2" &&
        "${ctl[@]}" stale MSFT --at +1h --for 30s | has "stale  MSFT  scheduled" &&
        "${ctl[@]}" resume MSFT | has "^resumed s3" &&
        "${ctl[@]}" rm s4 | has "^ended s4" &&
        "${ctl[@]}" run examples/scenarios/burst.yaml | has "loaded 4 step(s)" &&
        "${ctl[@]}" run examples/scenarios/gap-at-open.yaml | has "loaded 3 step(s)" &&
        "${ctl[@]}" run examples/scenarios/weekend-open.yaml | has "session  \*  active" &&
        "${ctl[@]}" --json state | has '"forcedSession" : "open"' &&
        "${ctl[@]}" timeline > "$work/timeline.json" &&
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['steps']) >= 15, d" "$work/timeline.json" &&
        "${ctl[@]}" clock --jump 2026-11-23T15:59:30-05:00 | has "market time:  2026-11-23T20:59:30" &&
        "${ctl[@]}" clock --pause | has "(paused)" &&
        "${ctl[@]}" clock --resume | has "speed:        1" &&
        "${ctl[@]}" reset | has "^ended [0-9]* scenario(s)" &&
        "${ctl[@]}" state | has "0 active, 0 scheduled" &&
        ! "${ctl[@]}" halt NOPE 2>"$work/err" && grep -q "'NOPE' is not in this market's universe" "$work/err" &&
        ! "${ctl[@]}" rm s999 2>"$work/err" && grep -q "no scenario with id 's999'" "$work/err" &&
        ! "${ctl[@]}" clock --speed 2 --pause 2>"$work/err" && grep -q "exactly one of" "$work/err" &&
        ok=1
    } || true
    stop_server
    # The timeline reproduces the session: served again (from its own start), it is the same script.
    if [ "$ok" = 1 ]; then
        ok=0
        start_server "${market[@]}" --scenario "$work/timeline.json" &&
            "$bin" ctl --url "http://127.0.0.1:$server_port" timeline > "$work/replayed.json" &&
            python3 -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a==b, (a,b)" "$work/timeline.json" "$work/replayed.json" &&
            ok=1
        stop_server
    fi
    [ "$ok" = 1 ]
}
check "ctl: every subcommand against a served market; the timeline serves the same session again" ctl_end_to_end
# tickforge ctl connections: a connected tail shows with its key and topics, and is gone after it leaves.
ctl_connections() {
    start_server --universe fixed --symbols AAPL,MSFT || return 1
    local ctl=("$bin" ctl --url "http://127.0.0.1:$server_port")
    "$bin" tail "ws://127.0.0.1:$server_port/stocks" --key ck --subscribe T.AAPL,Q.MSFT > /dev/null 2>&1 &
    local tail_pid=$! ok=0 i
    for i in $(seq 300); do
        "${ctl[@]}" connections | has "^c[0-9]* *polygon */stocks *ck *yes *127\.0\.0\.1:[0-9]* .*Q:MSFT T:AAPL$" && { ok=1; break; }
        sleep 0.2
    done
    # Faults on it: a mute shows on the connection and in the list, ends, and a drop reaches it.
    local id
    id=$("${ctl[@]}" connections | sed -n 's/^\(c[0-9]*\) .*/\1/p' | head -1)
    [ "$ok" = 1 ] && ok=0 && {
        "${ctl[@]}" mute "$id" --for 1h | has "^posted f1  mute  active .*  reached $id$" &&
        "${ctl[@]}" connections | has " f1 *Q:MSFT T:AAPL$" &&
        "${ctl[@]}" faults | has "^f1  mute  active" &&
        "${ctl[@]}" unmute f1 | has "^ended f1  mute  ended" &&
        "${ctl[@]}" close "$id" --code 4000 --reason bye | has "^posted f2  close  ended .* code=4000 reason=bye  reached $id$" &&
        ! "${ctl[@]}" unmute f2 2>"$work/err" && grep -q "acted once" "$work/err" &&
        "${ctl[@]}" disconnect-after --key nobody --seconds 5 | has "^posted f3  disconnect-after  active .*key=nobody seconds=5  reached none$" &&
        "${ctl[@]}" end-fault f3 | has "^ended f3  disconnect-after  ended" &&
        ! "${ctl[@]}" drop 2>"$work/err" && grep -q "name the connections" "$work/err" &&
        "${ctl[@]}" reject --count 2 --status 503 | has "^posted f4  reject  active .* status=503 count=2 used=0  reached none$" &&
        "${ctl[@]}" latency --at +1h --all --ms 100 | has "^posted f5  latency  scheduled " &&
        "${ctl[@]}" journal --connection "$id" --kind authenticated,subscribed | has "  $id  subscribed  channel=Q symbol=MSFT topic=Q.MSFT$" &&
        "${ctl[@]}" journal --connection "$id" --kind dropped | has "  $id  dropped  code=4000 fault=f2 faultKind=close reason=bye why=fault$" &&
        "${ctl[@]}" journal --clear | has "^cleared [0-9]* entries$" &&
        ok=1
    }
    kill "$tail_pid" 2>/dev/null; wait "$tail_pid" 2>/dev/null
    if [ "$ok" = 1 ]; then
        ok=0
        for i in $(seq 300); do "${ctl[@]}" connections | has "^no connections$" && { ok=1; break; }; sleep 0.2; done
    fi
    stop_server
    [ "$ok" = 1 ]
}
check "ctl connections and faults: a client listed with its key and topics, muted, unmuted, closed; gone after it leaves" ctl_connections
check "ctl: no server is named, with what to do" \
    bash -c "out=\$('$bin' ctl --url http://127.0.0.1:1 state 2>&1); rc=\$?; [ \$rc -ne 0 ] && grep -q 'no server at http://127.0.0.1:1: start one with \`tickforge serve\`' <<< \"\$out\""
check "serve: a bad scenario script is named, with the step and field" \
    bash -c "printf 'steps:\n  - {kind: gap, symbol: AAPL}\n' > '$work/bad.yaml'; out=\$('$bin' serve --port 0 --scenario '$work/bad.yaml' 2>&1); rc=\$?; [ \$rc -ne 0 ] && grep -q \"scenario script $work/bad.yaml: steps\[0\]: field 'percent'\" <<< \"\$out\""
echo "cli: $passed passed, $failed failed"
test "$failed" -eq 0

echo "==> interop: the official Python clients (massive, polygon-api-client, alpaca-py) against tickforge serve"
venv=.venv-interop
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    "massive>=2.9,<3" "polygon-api-client>=1.16,<2" "alpaca-py>=0.44,<0.45" "websockets>=13" "pytest>=8" \
    "schemathesis>=4.3,<5"
TICKFORGE_BIN="$bin" "$venv/bin/python" -m pytest -q tests/interop

echo "==> fuzz: schemathesis against /control/openapi.json, with clients subscribed (bounded to 90 s)"
start_server --symbols AAPL,MSFT,IBM
"$bin" tail "ws://127.0.0.1:$server_port/stocks" --key k --subscribe 'T.*,Q.*,A.*,AM.*,LULD.*' > /dev/null 2>&1 &
tail_pid=$!
fuzz_rc=0
(cd "$work" && "$OLDPWD/$venv/bin/st" run "http://127.0.0.1:$server_port/control/openapi.json" --max-time 90 --max-examples 60 \
    --request-timeout 20 --generation-database none --no-color --exclude-checks positive_data_acceptance) || fuzz_rc=$?
alive=0
"$bin" ctl --url "http://127.0.0.1:$server_port" state > /dev/null 2>&1 && alive=1
# The tail may have ended already (a fuzzed auth-fail fault ends it for good): that is no failure.
kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true
stop_server
# Schema-valid requests the server refuses on meaning (a time already past, a jump backwards) are
# excluded above: the schema cannot say "after now". Anything else fails the run, and so does a
# server that stopped answering.
[ "$alive" = 1 ] || { echo "FAIL the server did not survive the fuzzing"; exit 1; }
[ "$fuzz_rc" = 0 ] || { echo "FAIL schemathesis found problems (see above)"; exit 1; }
echo "fuzz: ok"

echo "==> example: examples/market-data-source builds against this package and prints events (its own build, about 4 minutes)"
swift build --package-path examples/market-data-source
example_out=$(COUNT=5 SYMBOLS=AAPL timeout 120 "$(swift build --package-path examples/market-data-source --show-bin-path)/print-events")
echo "$example_out"
[ "$(grep -c '  AAPL  ' <<< "$example_out")" = 5 ] || { echo "FAIL the example did not print 5 AAPL events from the synthetic source"; exit 1; }
echo "example: ok"
