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
echo "cli: $passed passed, $failed failed"
test "$failed" -eq 0

echo "==> interop: the official Python clients (massive, polygon-api-client, alpaca-py) against tickforge serve"
venv=.venv-interop
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    "massive>=2.9,<3" "polygon-api-client>=1.16,<2" "alpaca-py>=0.44,<0.45" "websockets>=13" "pytest>=8"
TICKFORGE_BIN="$bin" "$venv/bin/python" -m pytest -q tests/interop
