#!/usr/bin/env bash
# Builds llama.cpp's `rpc-server` and an RPC-enabled copy of llama-cpp-python's libraries from
# the SAME llama.cpp source as the installed llama-cpp-python (its sdist vendors it), so the
# tests can split a model over a real rpc-server on loopback (tests/engine/test_rpc_real.py).
#
#   scripts/build-rpc.sh [VENV]      prints the folder that holds bin/rpc-server and llama_cpp/
#
# The folder is cached per version and machine under ~/.cache/hearthside/rpc/, so only the first
# run compiles (ggml, llama and rpc-server only: a few minutes on 2 cores). The app itself never
# uses this copy: users who want RPC rebuild llama-cpp-python with CMAKE_ARGS="-DGGML_RPC=on"
# (README, "Split a model over several computers").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$ROOT/.venv}"
PY="$VENV/bin/python"
VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))')"
PACKAGE="$("$PY" -c 'import importlib.util as u; print(u.find_spec("llama_cpp").submodule_search_locations[0])')"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/hearthside/rpc/$VERSION-$(uname -m)"

if [ -x "$CACHE/bin/rpc-server" ] && [ -f "$CACHE/llama_cpp/lib/libllama.so" ]; then
    echo "$CACHE"
    exit 0
fi

# llama-cpp-python's own build brings cmake through pip's build isolation; this build uses the
# system's, or the same PyPI package installed into the venv.
CMAKE="$(command -v cmake || true)"
if [ -z "$CMAKE" ]; then
    "$PY" -m pip install --quiet "cmake>=3.21" >&2
    CMAKE="$VENV/bin/cmake"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PY" -m pip download --quiet --no-deps --no-binary :all: -d "$WORK" \
    "llama-cpp-python==$VERSION" >&2
tar -xzf "$WORK"/llama_cpp_python-*.tar.gz -C "$WORK"
SOURCE="$(echo "$WORK"/llama_cpp_python-*/vendor/llama.cpp)"
"$CMAKE" -S "$SOURCE" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
    -DGGML_RPC=ON -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF \
    -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON '-DCMAKE_INSTALL_RPATH=$ORIGIN' >&2
# RPATH $ORIGIN, as in the wheel: libllama must find the libggml beside it, the one desktop/
# engine/rpc.py opens, or the process holds two ggml registries and RPC devices go unseen.
# tools/rpc names its target ggml-rpc-server in newer llama.cpp, rpc-server in older.
SERVER="$(sed -n 's/^set(TARGET \(.*\))$/\1/p' "$SOURCE/tools/rpc/CMakeLists.txt")"
SERVER="${SERVER:-rpc-server}"
"$CMAKE" --build "$WORK/build" -j "$(nproc)" --target llama "$SERVER" >&2

STAGE="$CACHE.partial"
rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
# The Python package as installed, with its libraries swapped for the RPC build's; libmtmd
# (multimodal, not rebuilt) stays the installed one and links to these by soname.
cp -r "$PACKAGE" "$STAGE/llama_cpp"
find "$STAGE/llama_cpp/lib" -name 'libllama.so*' -delete
find "$STAGE/llama_cpp/lib" -name 'libggml*.so*' -delete
find "$WORK/build/bin" -maxdepth 1 -name 'lib*.so*' -exec cp -P {} "$STAGE/llama_cpp/lib/" \;
cp "$WORK/build/bin/$SERVER" "$STAGE/bin/rpc-server"
rm -rf "$CACHE"
mv "$STAGE" "$CACHE"
echo "$CACHE"
