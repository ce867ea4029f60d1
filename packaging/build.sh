#!/usr/bin/env bash
# Build the one-folder frozen application and run its self-test headless.
#
#   packaging/build.sh            # build dist/inspector-app/ and self-test it
#   packaging/build.sh --no-build # only self-test an existing dist/inspector-app/
#
# Exit status: 0 when the build succeeded and the frozen self-test passed; 1 otherwise
# (a missing module or Qt plugin, a failed step, or a version mismatch), with the reason
# on the last line. Needs uv, a Python with its shared library (pyenv, python.org, or
# Debian's python3 plus `apt-get install binutils libpython3.11`) and, on Linux, binutils
# (objdump) for PyInstaller's dependency analysis.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
APP="dist/inspector-app"
case "$(uname -s)" in
    MINGW*|MSYS*|CYGWIN*) EXE="$APP/inspector-app-cli.exe" ;;
    *) EXE="$APP/inspector-app" ;;
esac
LOG="$(mktemp "${TMPDIR:-/tmp}/inspector-build.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

fail() { echo "build.sh: FAILED: $*" >&2; exit 1; }

if [[ "${1:-}" != "--no-build" ]]; then
    if [[ "$(uname -s)" == Linux ]] && ! command -v objdump >/dev/null; then
        fail "objdump not found: install binutils (apt-get install binutils)"
    fi
    start=$(date +%s)
    if ! uv run --group build pyinstaller build.spec --noconfirm --clean --log-level WARN >"$LOG" 2>&1; then
        tail -n 40 "$LOG" >&2
        fail "pyinstaller did not finish (log above)"
    fi
    # warnings PyInstaller prints about our own package mean a module will be missing at run time
    if grep -E "(Hidden import|module) ['\"]?inspector_app[^ ]* not found" "$LOG" >&2; then
        fail "PyInstaller could not find a module of inspector_app"
    fi
    echo "build.sh: built $APP in $(( $(date +%s) - start )) s, $(du -sh "$APP" | cut -f1)"
fi

[[ -x "$EXE" ]] || fail "$EXE does not exist; build first"

# Headless: no display, the offscreen Qt platform, and a throwaway HOME so the self-test
# cannot touch (or be helped by) a real profile; no Python from the build environment.
TMPHOME="$(mktemp -d "${TMPDIR:-/tmp}/inspector-home.XXXXXX")"
trap 'rm -f "$LOG"; rm -rf "$TMPHOME"' EXIT
# INSPECTOR_SELFTEST_POSTGRES (a postgresql:// URL), when set, is passed on: the frozen
# self-test then connects to that office server with the libpq the build ships.
run_frozen() {
    env -i PATH=/usr/bin:/bin HOME="$TMPHOME" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        ${INSPECTOR_SELFTEST_POSTGRES:+INSPECTOR_SELFTEST_POSTGRES="$INSPECTOR_SELFTEST_POSTGRES"} \
        "$EXE" "$@"
}

want_version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)"
got_version="$(run_frozen --version 2>&1)" || fail "$EXE --version exited with status $?: $got_version"
got_version="$(printf '%s\n' "$got_version" | head -n 1)"  # first line: [Inspector ]VERSION
[[ "${got_version##* }" == "$want_version" ]] || fail "frozen version is '$got_version', pyproject says '$want_version'"

# Linux: the oldest glibc the build runs on (recorded by build.spec) and the menu entry
INFO="$APP/_internal/build-info.json"
if [[ "$(uname -s)" == Linux ]]; then
    [[ -f "$INFO" ]] || fail "$INFO is missing (build.spec writes it)"
    [[ -f "$APP/share/applications/inspector-app.desktop" && -x "$APP/install-desktop.sh" ]] \
        || fail "the menu entry or install-desktop.sh is missing from $APP"
    echo "build.sh: $(sed -n 's/.*"glibc": "\(.*\)".*/needs glibc \1 or newer/p' "$INFO")"
fi

set +e
run_frozen --self-test >"$LOG" 2>&1
status=$?
set -e
cat "$LOG"
if grep -qiE "could not load the qt platform plugin|could not find the qt platform plugin|no qt platform plugin could be initialized" "$LOG"; then
    fail "a Qt platform plugin is missing from the build"
fi
if grep -q "pure-Python fallback" "$LOG"; then
    fail "psycopg's compiled part (psycopg_binary and its libpq) is missing from the build"
fi
if grep -qE "ModuleNotFoundError|ImportError|No module named" "$LOG"; then
    fail "a Python module is missing from the build"
fi
[[ $status -eq 0 ]] || fail "the frozen self-test exited with status $status"
grep -q "^self-test passed" "$LOG" || fail "the frozen self-test did not report success"
echo "build.sh: frozen self-test passed ($EXE, $(du -sh "$APP" | cut -f1))"
