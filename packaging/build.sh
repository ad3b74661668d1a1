#!/usr/bin/env bash
# Builds the packaged app with PyInstaller (packaging/hearthside.spec) into dist/hearthside/,
# proves it works by running the built app's --diagnose on a tiny test model (the build fails
# if that fails), then packs dist/hearthside-<version>-linux-<arch>.tar.gz and records the
# bundle size and start times in packaging/last-build.txt (last-build-starter.txt with
# --with-starter).
#
#   packaging/build.sh                  # the app alone (the starter model is not inside)
#   packaging/build.sh --with-starter   # also bundle the starter model (+253 MB), so the first
#                                       # start needs nothing from the network
#
# Uses the project's .venv (scripts/setup.sh: the same portable llama.cpp build as the tests)
# and installs PyInstaller into it.
set -euo pipefail

WITH_STARTER=0
for arg in "$@"; do
    case "$arg" in
    --with-starter) WITH_STARTER=1 ;;
    -h | --help)
        sed -n '2,13p' "$0"
        exit 0
        ;;
    *)
        echo "unknown option: $arg (try --help)" >&2
        exit 2
        ;;
    esac
done

export HEARTHSIDE_EXTRAS="starter,test" # the same set as scripts/test.sh: no reinstall
source "$(dirname "$0")/../scripts/setup.sh"
cd "$ROOT"
PY="$VENV/bin/python"
PYINSTALLER_SPEC="pyinstaller>=6.10,<7"

if ! "$PY" -c 'import PyInstaller, sys; v = tuple(map(int, PyInstaller.__version__.split(".")[:2])); sys.exit(not (6, 10) <= v < (7, 0))' 2>/dev/null; then
    echo "== installing $PYINSTALLER_SPEC into .venv"
    "$PY" -m pip install --quiet "$PYINSTALLER_SPEC"
fi

WORK="$ROOT/build/packaging"
rm -rf "$WORK"
mkdir -p "$WORK"
export QT_QPA_PLATFORM=offscreen

# The smoke test's model: the tests' tiny random-weight GGUF (under 1 MB, written in ms).
"$PY" -c 'import sys; from pathlib import Path; from tests.fixtures.tiny_model import write_tiny_gguf; write_tiny_gguf(Path(sys.argv[1]))' \
    "$WORK/tiny.gguf"

if [ "$WITH_STARTER" = 1 ]; then
    echo "== checking the starter model (assembled and verified by desktop.engine.starter)"
    "$PY" -c 'import sys; from pathlib import Path; from desktop.engine.starter import ensure_starter_model; print(ensure_starter_model(Path(sys.argv[1])))' \
        "$WORK/starter-check"
    rm -rf "$WORK/starter-check"
fi

echo "== translations (resources/translations/*.ts -> .qm)"
for ts in resources/translations/*.ts; do
    "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done

echo "== pyinstaller"
rm -rf dist/hearthside
build_started=$(date +%s)
HEARTHSIDE_WITH_STARTER="$WITH_STARTER" "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/hearthside.spec
build_seconds=$(($(date +%s) - build_started))
APP="$ROOT/dist/hearthside/hearthside"
cp packaging/install-desktop-entry.sh dist/hearthside/

now() { date +%s.%N; }
elapsed() { "$PY" -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$1" "$2"; }

echo "== smoke test: the built app's --version and --diagnose"
t0=$(now)
"$APP" --version
version_seconds=$(elapsed "$t0" "$(now)")
t0=$(now)
if ! "$APP" --diagnose --model "$WORK/tiny.gguf" --data-dir "$WORK/data" 2>&1 | tee "$WORK/diagnose.txt"; then
    echo "BUILD FAILED: the built app's --diagnose failed (output above)" >&2
    exit 1
fi
diagnose_seconds=$(elapsed "$t0" "$(now)")
# The probe re-runs the frozen executable itself: its line proves that path works too.
grep -q "Test load in a separate process: OK" "$WORK/diagnose.txt" ||
    { echo "BUILD FAILED: --diagnose did not report the probe" >&2; exit 1; }

if [ "$WITH_STARTER" = 1 ]; then
    echo "== smoke test: --diagnose on the bundled starter model, fresh data folder"
    "$APP" --diagnose --data-dir "$WORK/data-starter" 2>&1 | tee "$WORK/diagnose-starter.txt" ||
        { echo "BUILD FAILED: --diagnose on the bundled starter model failed" >&2; exit 1; }
fi

echo "== smoke test: the window starts (offscreen) and keeps running for 8 s"
# Start-up time: until the first start has written settings.json, which happens once Qt,
# llama.cpp and the database are loaded, right before the window is built and shown.
t0=$(now)
"$APP" --data-dir "$WORK/data-gui" --model "$WORK/tiny.gguf" >"$WORK/gui.txt" 2>&1 &
gui_pid=$!
window_seconds="not measured"
for _ in $(seq 1 1500); do
    if [ -f "$WORK/data-gui/settings.json" ]; then
        window_seconds="$(elapsed "$t0" "$(now)") s"
        break
    fi
    kill -0 "$gui_pid" 2>/dev/null || break
    sleep 0.02
done
sleep 8
if ! kill -0 "$gui_pid" 2>/dev/null; then
    gui_rc=0
    wait "$gui_pid" || gui_rc=$?
    cat "$WORK/gui.txt" >&2
    echo "BUILD FAILED: the window exited with $gui_rc within 8 s" >&2
    exit 1
fi
kill "$gui_pid"
wait "$gui_pid" 2>/dev/null || true

VERSION=$("$PY" -c 'from desktop import __version__; print(__version__)')
ARCH=$(uname -m)
SUFFIX=""
[ "$WITH_STARTER" = 1 ] && SUFFIX="-starter"
TARBALL="dist/hearthside-$VERSION-linux-$ARCH$SUFFIX.tar.gz"
echo "== packing $TARBALL"
tar -C dist -czf "$TARBALL" hearthside

if command -v appimagetool >/dev/null 2>&1; then
    echo "== AppImage"
    APPDIR="$WORK/Hearthside.AppDir"
    mkdir -p "$APPDIR"
    cp -a dist/hearthside "$APPDIR/usr"
    ln -s usr/hearthside "$APPDIR/AppRun"
    cp resources/hearthside.desktop resources/icons/hearthside-256.png "$APPDIR/"
    mv "$APPDIR/hearthside-256.png" "$APPDIR/hearthside.png"
    ARCH="$ARCH" appimagetool --no-appstream "$APPDIR" "dist/Hearthside-$VERSION-$ARCH.AppImage"
else
    echo "== no AppImage: appimagetool is not installed (it is not on PyPI, Debian or npm)"
fi

mib() { "$PY" -c 'import sys; print(f"{int(sys.argv[1]) / 2**20:.0f} MiB")' "$1"; }
bundle_bytes=$(du -sb dist/hearthside | cut -f1)
tar_bytes=$(stat -c %s "$TARBALL")
speed=$(grep -E "^(Load|Prompt|Generation)" "$WORK/diagnose.txt" | tr '\n' ';' || true)
RECORD=packaging/last-build.txt
[ "$WITH_STARTER" = 1 ] && RECORD=packaging/last-build-starter.txt
cat >"$RECORD" <<EOF
# Written by packaging/build.sh; docs/packaging.md quotes it.
date: $(date -u +%Y-%m-%dT%H:%M:%SZ)
commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo " (with local changes)")
platform: $(uname -sm), $("$PY" -c 'import platform; print("Python", platform.python_version())'), PyInstaller $("$PY" -c 'import PyInstaller; print(PyInstaller.__version__)')
starter model bundled: $([ "$WITH_STARTER" = 1 ] && echo yes || echo no)
build time: ${build_seconds} s
bundle (dist/hearthside): $(mib "$bundle_bytes") ($bundle_bytes bytes)
tar.gz ($(basename "$TARBALL")): $(mib "$tar_bytes") ($tar_bytes bytes)
start, first --version after the build (warm file cache): ${version_seconds} s
start to the window (first start, until settings.json is written): ${window_seconds}
--diagnose on the tiny test model (start, probe child, load, 32 tokens): ${diagnose_seconds} s
diagnose figures: ${speed}
EOF
echo "== done"
cat "$RECORD"
