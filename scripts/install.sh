#!/usr/bin/env bash
# Builds tickforge in release mode and installs it on PATH.
# Usage: scripts/install.sh            installs to ~/.local/bin
#        PREFIX=/usr/local scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-$HOME/.local}"
echo "==> swift build -c release (about 5 minutes the first time)"
swift build -c release --product tickforge
bin="$(swift build -c release --show-bin-path)/tickforge"
install -d "$prefix/bin"
install -m 755 "$bin" "$prefix/bin/tickforge"
echo "installed $prefix/bin/tickforge ($("$prefix/bin/tickforge" --version))"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it, e.g.: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
