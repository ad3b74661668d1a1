#!/usr/bin/env bash
# Sets everything up (first time: a few minutes) and runs lint, the layer contracts and all tests.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/chat -x
set -euo pipefail
export HEARTHSIDE_EXTRAS="starter,test"
source "$(dirname "$0")/setup.sh"
# Offscreen Qt still needs these libraries; CJK fonts let Chinese text render in GUI tests;
# poppler-utils' pdftotext reads the PDF exports back.
ensure_apt_packages libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 \
    fonts-noto-cjk poppler-utils
cd "$ROOT"
# rpc-server and an RPC-enabled copy of llama.cpp from the same source, for the real RPC test
# (tests/engine/test_rpc_real.py); compiled once (a few minutes), then cached.
echo "== llama.cpp RPC build"
HEARTHSIDE_RPC_BUILD="$(bash "$ROOT/scripts/build-rpc.sh" "$VENV")"
export HEARTHSIDE_RPC_BUILD
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
echo "== ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== import contracts"
"$VENV/bin/lint-imports"
echo "== pytest"
# pytest exits 5 when it collected no test; set -e turns that into a failure too.
"$VENV/bin/python" -m pytest -p no:cacheprovider "$@"
