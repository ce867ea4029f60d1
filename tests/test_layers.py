"""The dependency direction is the architecture (docs/architecture.md): enforce it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "inspector_app"

FORBIDDEN = {
    "domain": (
        "PySide6",
        "pyqtgraph",
        "sqlite3",
        "sqlite_utils",
        "reportlab",
        "pyhanko",
        "inspector_app.store",
        "inspector_app.services",
        "inspector_app.ui",
        "inspector_app.reports",
        "inspector_app.sync",
        "inspector_app.cli",
    ),
    "store": (
        "PySide6",
        "pyqtgraph",
        "reportlab",
        "pyhanko",
        "inspector_app.services",
        "inspector_app.ui",
        "inspector_app.reports",
        "inspector_app.sync",
        "inspector_app.cli",
    ),
    "reports": ("PySide6", "inspector_app.ui", "inspector_app.cli", "inspector_app.services"),
    "sync": (
        "PySide6",
        "pyqtgraph",
        "inspector_app.ui",
        "inspector_app.cli",
        "inspector_app.services",
    ),
    "services": ("PySide6", "inspector_app.ui", "inspector_app.cli"),
}


def imports_of(path: Path, root: Path = PKG.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    pkg_parts = path.relative_to(root).with_suffix("").parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(pkg_parts[: len(pkg_parts) - node.level])
                mod = ".".join(base + ([node.module] if node.module else []))
                names.append(mod)
                names += [f"{mod}.{a.name}" for a in node.names]
            else:
                names.append(node.module or "")
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_downward(layer):
    offenders = []
    for path in sorted((PKG / layer).rglob("*.py")):
        for name in imports_of(path):
            for bad in FORBIDDEN[layer]:
                if name == bad or name.startswith(bad + "."):
                    offenders.append(f"{path.relative_to(PKG.parent)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_checker_sees_a_violation(tmp_path, monkeypatch):
    """The checker itself must be able to fail."""
    fake = tmp_path / "inspector_app" / "domain" / "probe.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from ..store import db\nimport PySide6\n")
    names = imports_of(fake, tmp_path)
    assert "inspector_app.store" in names and "PySide6" in names
