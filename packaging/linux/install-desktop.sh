#!/bin/sh
# Add Inspector to the desktop's application menu, with its icon, or take it away again.
#
#   ./install-desktop.sh              for this user (~/.local/share), no administrator rights
#   ./install-desktop.sh --system     for every user (/usr/local/share), as root
#   ./install-desktop.sh --uninstall  [--system] removes the entry and the icons
#
# The menu entry runs the program in THIS folder: after moving the folder, run this again.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
APP=inspector-app
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
ACTION=install
for arg in "$@"; do
    case "$arg" in
        --system) DATA=/usr/local/share ;;
        --uninstall) ACTION=uninstall ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-desktop.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    esac
done

refresh() {  # the menu and icon caches, where the desktop keeps them; not needed elsewhere
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
    fi
}

if [ "$ACTION" = uninstall ]; then
    rm -f "$DATA/applications/$APP.desktop"
    for icon in "$DATA"/icons/hicolor/*/apps/"$APP".png; do
        [ -e "$icon" ] && rm -f "$icon"
    done
    refresh
    echo "install-desktop.sh: removed $APP from $DATA"
    exit 0
fi

[ -x "$HERE/$APP" ] || { echo "install-desktop.sh: $HERE/$APP not found; run this script from the program folder" >&2; exit 1; }

mkdir -p "$DATA/applications"
for folder in "$HERE"/share/icons/hicolor/*/apps; do
    size=$(basename "$(dirname "$folder")")
    mkdir -p "$DATA/icons/hicolor/$size/apps"
    cp "$folder/$APP.png" "$DATA/icons/hicolor/$size/apps/$APP.png"
done
# Exec and TryExec get the absolute path, quoted as the desktop entry format asks: inside
# double quotes \ " ` $ take a backslash, then every backslash is doubled (string escapes).
exec_path=$(printf '%s' "$HERE/$APP" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')
try_path=$(printf '%s' "$HERE/$APP" | sed -e 's/\\/\\\\/g')
{
    grep -v -e '^Exec=' -e '^TryExec=' "$HERE/share/applications/$APP.desktop"
    printf 'Exec="%s"\n' "$exec_path"
    printf 'TryExec=%s\n' "$try_path"
} >"$DATA/applications/$APP.desktop.tmp"
mv "$DATA/applications/$APP.desktop.tmp" "$DATA/applications/$APP.desktop"
chmod 644 "$DATA/applications/$APP.desktop"
refresh
echo "install-desktop.sh: added $APP to the application menu ($DATA/applications/$APP.desktop)"
