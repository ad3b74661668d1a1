#!/usr/bin/env bash
# Sets everything up (first time: a few minutes) and opens Hearthside on the starter model.
# Extra arguments go to the app, e.g. scripts/run.sh --model ~/models/qwen.gguf
set -euo pipefail
export HEARTHSIDE_EXTRAS="starter"
source "$(dirname "$0")/setup.sh"
# Qt's X11 platform plugin needs these on a minimal Debian/Ubuntu desktop.
ensure_apt_packages libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
    libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 \
    libgl1 libfontconfig1 libdbus-1-3
exec "$VENV/bin/hearthside" "$@"
