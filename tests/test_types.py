"""The type checker is part of the test run: `uv run mypy` (configured in pyproject.toml)
finds nothing. domain/, crypto/, reports/, store/ and sync/ are checked strictly (a store
module still being written may be named in a default-level list); the rest at mypy's default
level, the window's code (ui/) included: a mixin there declares, under TYPE_CHECKING, the Qt
base and the attributes the class it is mixed into provides, so those are checked too."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRICT_PACKAGES = {
    "inspector_app.domain.*",
    "inspector_app.crypto.*",
    "inspector_app.reports.*",
    "inspector_app.store.*",
    "inspector_app.sync.*",
}
# what `mypy --strict` turns on that a per-package section can say
STRICT_FLAGS = {
    "disallow_any_generics",
    "disallow_subclassing_any",
    "disallow_untyped_calls",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "check_untyped_defs",
    "disallow_untyped_decorators",
    "warn_return_any",
    "strict_equality",
}


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_finds_nothing():
    """A change that breaks a type fails here with mypy's own lines (file:line: error). Its
    incremental cache (.mypy_cache, ignored by git) makes a second run take seconds."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, (
        "mypy reports type errors; run `uv run mypy` and annotate or fix them:\n"
        + proc.stdout[-6000:]
        + proc.stderr[-2000:]
    )


def test_the_strict_packages_are_checked_strictly():
    config = _config()
    checked = set(config["files"])
    for package in ("domain", "crypto", "reports", "store", "sync"):
        assert f"inspector_app/{package}" in checked
    strict = [o for o in config["overrides"] if set(o["module"]) == STRICT_PACKAGES]
    assert len(strict) == 1, "one section makes domain/, crypto/, reports/, store/, sync/ strict"
    section = strict[0]
    assert all(section.get(flag) is True for flag in STRICT_FLAGS), STRICT_FLAGS - set(section)
    assert section.get("implicit_reexport") is False
    assert config.get("warn_unused_ignores") is True


def test_the_window_code_is_checked():
    """ui/ is in the checked files: a widget attribute that hides a Qt method (``self.move``,
    ``self.result``), a None not handled, a signal connected to the wrong slot fail here."""
    assert "inspector_app/ui" in set(_config()["files"])


def test_strict_exceptions_are_single_existing_store_modules():
    """A module let off the strict checks is named one by one (never a wildcard or a whole
    package) and exists, so the list shrinks as modules are annotated and cannot go stale."""
    relaxed = [
        o
        for o in _config()["overrides"]
        if any(o.get(flag) is False for flag in STRICT_FLAGS)
        and set(o["module"]) != STRICT_PACKAGES
    ]
    for section in relaxed:
        for module in section["module"]:
            assert module.startswith("inspector_app.store."), module
            assert "*" not in module, module
            path = ROOT / (module.replace(".", "/") + ".py")
            assert path.is_file(), f"{module} is listed but {path} does not exist"


def test_mypy_sees_a_strict_violation(tmp_path):
    """The check itself can fail: an unannotated function in a strict package is reported."""
    pkg = tmp_path / "inspector_app"
    (pkg / "domain").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "domain" / "__init__.py").write_text("")
    (pkg / "domain" / "probe.py").write_text("def half(x):\n    return x / 2\n")
    config = tmp_path / "mypy.ini"
    config.write_text(
        "[mypy]\n[mypy-inspector_app.domain.*]\n"
        + "".join(f"{flag} = True\n" for flag in sorted(STRICT_FLAGS))
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            "inspector_app",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "probe.py:1: error: Function is missing a type annotation" in proc.stdout
