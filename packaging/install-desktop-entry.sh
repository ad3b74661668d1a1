#!/usr/bin/env bash
# Puts Hearthside into the desktop's applications menu (Linux, for this user only): installs
# hearthside.desktop into ~/.local/share/applications and the icon into ~/.local/share/icons.
#
#   packaging/install-desktop-entry.sh              # source checkout: the entry runs scripts/run.sh
#   dist/hearthside/install-desktop-entry.sh        # built bundle: the entry runs the bundle's
#                                                   # hearthside executable (wherever you put it)
#   ... install-desktop-entry.sh --uninstall        # removes the entry and the icons again
#
# Run it again after moving the folder: the entry holds the absolute path.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
APPLICATIONS="$DATA_HOME/applications"
ICON_THEME="$DATA_HOME/icons/hicolor"
ENTRY="$APPLICATIONS/hearthside.desktop"
SIZES=(16 24 32 48 64 128 256 512)

refresh_menus() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$APPLICATIONS" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$ICON_THEME" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$ENTRY" "$ICON_THEME/scalable/apps/hearthside.svg"
    for size in "${SIZES[@]}"; do
        rm -f "$ICON_THEME/${size}x${size}/apps/hearthside.png"
    done
    refresh_menus
    echo "Removed Hearthside from the applications menu."
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--uninstall]" >&2
    exit 2
fi

if [ -x "$HERE/hearthside" ] && [ -d "$HERE/_internal/resources" ]; then
    # Inside a PyInstaller bundle (build.sh copies this script next to the executable).
    EXEC="$HERE/hearthside"
    RESOURCES="$HERE/_internal/resources"
elif [ -x "$HERE/../scripts/run.sh" ]; then
    ROOT="$(cd "$HERE/.." && pwd)"
    EXEC="$ROOT/scripts/run.sh"
    RESOURCES="$ROOT/resources"
else
    echo "Run this from a Hearthside source checkout (packaging/) or a built bundle." >&2
    exit 1
fi

# Desktop entry Exec quoting: the path in double quotes, with \ " ` $ escaped.
quoted_exec="\"$(printf '%s' "$EXEC" | sed -e 's/[\\"`$]/\\&/g')\""
# sed's replacement also treats \ and & specially.
sed_exec="$(printf '%s' "$quoted_exec" | sed -e 's/[\\&|]/\\&/g')"

mkdir -p "$APPLICATIONS" "$ICON_THEME/scalable/apps"
cp "$RESOURCES/icons/hearthside.svg" "$ICON_THEME/scalable/apps/hearthside.svg"
for size in "${SIZES[@]}"; do
    mkdir -p "$ICON_THEME/${size}x${size}/apps"
    cp "$RESOURCES/icons/hearthside-$size.png" "$ICON_THEME/${size}x${size}/apps/hearthside.png"
done
sed -e "s|^Exec=hearthside|Exec=$sed_exec|" -e '/^TryExec=/d' \
    "$RESOURCES/hearthside.desktop" >"$ENTRY.tmp"
mv "$ENTRY.tmp" "$ENTRY"
chmod 644 "$ENTRY"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$ENTRY"
fi
refresh_menus
echo "Hearthside is in the applications menu ($ENTRY runs $EXEC)."
