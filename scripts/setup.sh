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

STAMP="$VENV/.hearthside-installed"
WANT="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16) $EXTRAS"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "Installing Hearthside and its dependencies (the first time, llama-cpp-python is" \
        "compiled: several minutes)"
    export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
    "$VENV/bin/python" -m pip install --quiet --editable "$ROOT[$EXTRAS]"
    echo "$WANT" > "$STAMP"
fi
