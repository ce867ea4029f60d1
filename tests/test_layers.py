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


# ---- no import circles ------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(path: Path, root: Path, known: set[str]) -> set[str]:
    """The package's modules *path* imports when it is loaded: imports in the module body
    (also inside a module-level ``try`` or ``if``), not those inside functions (run later)
    nor under ``if TYPE_CHECKING:`` (never run). ``from . import x`` depends on ``x``."""
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()

    def add(node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
            return
        base = package[: len(package) - node.level + 1] if node.level else []
        mod = ".".join(base + ([node.module] if node.module else []))
        subs = {f"{mod}.{a.name}" for a in node.names} & known
        out.update(subs)
        if len(subs) < len(node.names):
            out.add(mod)

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            add(node)
        elif isinstance(node, ast.Try | ast.If):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    add(sub)
    return {m for m in out if m in known and m != name}


def all_imports(path: Path, root: Path, known: set[str]) -> set[str]:
    """The package's modules *path* imports anywhere: in the module body and inside its
    functions (imported when the function first runs), not under ``if TYPE_CHECKING:``."""
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for sub in ast.walk(stmt)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            subs = {f"{mod}.{a.name}" for a in node.names} & known
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(mod)
    return {m for m in out if m in known and m != name}


def import_circles(pkg: Path, *, in_functions: bool = False, within: str = "") -> list[list[str]]:
    """Groups of modules that import each other (directly or round a loop) when loaded, or,
    with *in_functions*, also through imports inside functions; only modules whose dotted
    name starts with *within* are counted."""
    root = pkg.parent
    paths = {
        module_name(p, root): p
        for p in pkg.rglob("*.py")
        if module_name(p, root).startswith(within)
    }
    known = set(paths)
    imports = all_imports if in_functions else module_level_imports
    graph = {m: imports(p, root, known) for m, p in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return circles


def test_no_module_level_import_circles():
    """A module never needs, while it loads, a module that needs it back: the lower one
    (store.db below store.migrations, store.opening above both) must not import upward."""
    assert import_circles(PKG) == []


def test_no_import_circles_among_services():
    """No two service modules need each other, not even through an import inside a function
    (a circle there still means neither can be read, tested or moved without the other): the
    shared piece sits in a lower module (``roles``, ``files``, ``visit_start``, ``demo_data``)."""
    assert import_circles(PKG, in_functions=True, within="inspector_app.services") == []


def test_circle_checker_sees_imports_inside_functions(tmp_path):
    pkg = tmp_path / "inspector_app"
    (pkg / "services").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "services" / "__init__.py").write_text("")
    (pkg / "services" / "drafts.py").write_text("def new():\n    from .visits import join\n")
    (pkg / "services" / "visits.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .reports import R\n"
        "def join():\n    from . import drafts\n"
    )
    (pkg / "services" / "reports.py").write_text("from . import visits\n")
    assert import_circles(pkg) == []
    assert import_circles(pkg, in_functions=True, within="inspector_app.services") == [
        ["inspector_app.services.drafts", "inspector_app.services.visits"]
    ]


def test_circle_checker_finds_a_circle(tmp_path):
    pkg = tmp_path / "inspector_app"
    (pkg / "store").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "store" / "__init__.py").write_text("from .db import open_database\n")
    (pkg / "store" / "db.py").write_text("from .migrations import migrate\n")
    (pkg / "store" / "migrations.py").write_text(
        "from typing import TYPE_CHECKING\nfrom . import db\n"
        "if TYPE_CHECKING:\n    from .store import Store\n"
    )
    (pkg / "store" / "store.py").write_text("def f():\n    from . import migrations\n")
    assert import_circles(pkg) == [["inspector_app.store.db", "inspector_app.store.migrations"]]


def test_store_db_is_the_bottom_of_the_store():
    """store.db (connections, transactions, the damage check) stands only on store.errors,
    store.filesystems and store.locks, and those import nothing else of the program, not
    even inside a function: migrations, backups and the Store build on db, and store.opening
    (damage check, backup, migration, Store) sits above them all."""
    bottom = [f"inspector_app.store.{m}" for m in ("errors", "filesystems", "locks")]

    def outside_bottom(path: Path) -> list[str]:
        names = [n for n in imports_of(path) if n.startswith("inspector_app")]
        return [n for n in names if not any(n == b or n.startswith(b + ".") for b in bottom)]

    assert outside_bottom(PKG / "store" / "db.py") == []
    for module in bottom:
        assert outside_bottom(PKG / "store" / f"{module.rsplit('.', 1)[1]}.py") == []
    assert not [n for n in imports_of(PKG / "store" / "errors.py") if n.startswith("inspector_app")]
    opening = imports_of(PKG / "store" / "opening.py")
    for lower in ("db", "migrations", "backups", "store"):
        assert f"inspector_app.store.{lower}" in opening


def test_sync_never_calls_up_into_services():
    """The bundle import runs in sync/importing/, one module per stage; no module under sync/
    imports services/, not even inside a function: what the pipeline needs from above (the
    trust set for report PDFs, the atomic file write) is handed in by services.sync."""
    offenders = [
        f"{path.relative_to(PKG.parent)} imports {name}"
        for path in sorted((PKG / "sync").rglob("*.py"))
        for name in imports_of(path)
        if name == "inspector_app.services" or name.startswith("inspector_app.services.")
    ]
    assert not offenders, "\n".join(offenders)


def test_the_sync_service_asks_no_other_service_about_a_bundle():
    """services.sync runs the import's stages; the checks of review decisions, rule data,
    forms and calendars are stages of their own, not calls into those services (which
    would make circles: the review service resolves conflicts through services.sync)."""
    names = imports_of(PKG / "services" / "sync.py")
    for other in ("review", "cases", "forms"):
        assert not any(
            n == f"inspector_app.services.{other}"
            or n.startswith(f"inspector_app.services.{other}.")
            for n in names
        ), other
