# Sourced by scripts/run.sh and scripts/test.sh: creates or reuses .venv and installs the
# project with the extras given in $HEARTHSIDE_EXTRAS. Reinstalls only when pyproject.toml or the
# extras change; pip's wheel cache makes a rebuild of llama-cpp-python instant after the first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
EXTRAS="${HEARTHSIDE_EXTRAS:-starter}"

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "Hearthside needs Python 3.11 or newer (python3 --version)." >&2
    return 1
}

# Installs Debian/Ubuntu packages when we can (root or passwordless sudo), else says which.
ensure_apt_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then
            sudo="sudo"
        else
            echo "Please install: sudo apt-get install ${missing[*]}" >&2
            return 0
        fi
    fi
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

PYTHON="$(find_python)"
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating the virtual environment in .venv"
    "$PYTHON" -m venv "$VENV"
fi

# llama-cpp-python compiles llama.cpp from source. We build it once per version and set of
# build flags into a wheel folder of our own, because pip's own wheel cache ignores CMAKE_ARGS.
# On x86-64 the default is a portable build (AVX2, no -march=native): native builds on CPUs
# with AMX crash in llama.cpp's AMX kernels, and a portable build also runs on other machines.
LLAMA_CPP_PYTHON="llama-cpp-python==0.3.36"
# The flags of the last build are remembered, so a GPU build stays until other flags are given.
if [ -z "${CMAKE_ARGS:-}" ] && [ -f "$VENV/.hearthside-cmake-args" ]; then
    export CMAKE_ARGS="$(cat "$VENV/.hearthside-cmake-args")"
elif [ -z "${CMAKE_ARGS:-}" ] && [ "$(uname -m)" = "x86_64" ]; then
    export CMAKE_ARGS="-DGGML_NATIVE=OFF"
fi
WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/hearthside/wheels/$(
    echo "$LLAMA_CPP_PYTHON ${CMAKE_ARGS:-} $(uname -m) $("$VENV/bin/python" -c 'import sys; print(sys.version_info[:2])')" |
        sha256sum | cut -c1-16)"

STAMP="$VENV/.hearthside-installed"
WANT="$(sha256sum < "$ROOT/pyproject.toml" | cut -c1-16) $EXTRAS $WHEELS"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
    if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
        echo "Compiling llama.cpp (llama-cpp-python) once; this takes several minutes"
        export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
        mkdir -p "$WHEELS"
        "$VENV/bin/python" -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
            --wheel-dir "$WHEELS.partial" "$LLAMA_CPP_PYTHON"
        mv "$WHEELS.partial"/llama_cpp_python-*.whl "$WHEELS"/
        rm -rf "$WHEELS.partial"
    fi
    echo "Installing Hearthside and its dependencies into .venv"
    "$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall \
        "$WHEELS"/llama_cpp_python-*.whl
    "$VENV/bin/python" -m pip install --quiet --find-links "$WHEELS" --editable "$ROOT[$EXTRAS]"
    echo "${CMAKE_ARGS:-}" > "$VENV/.hearthside-cmake-args"
    echo "$WANT" > "$STAMP"
fi

# The interface translations: compiles resources/translations/*.ts to the .qm files the app
# loads, when a .ts is newer than its .qm or the .qm is missing. Without them the app is English.
if [ -x "$VENV/bin/pyside6-lrelease" ]; then
    for ts in "$ROOT"/resources/translations/*.ts; do
        [ -f "$ts" ] || continue
        qm="${ts%.ts}.qm"
        if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
            "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "$qm" ||
                echo "Could not compile $ts; the interface stays in English" >&2
        fi
    done
fi
