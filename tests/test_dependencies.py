"""Every third-party package the code imports is declared in pyproject.toml, and every
declared package is used.

The program's imports (``inspector_app/``) must be runtime dependencies; the tests',
benchmarks' and packaging scripts' imports may also come from the dev or build group.
Whether the declared floors are true is checked by running the suite at them
(``.ci/test-lowest``), not here.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

#: declared packages nobody imports by name, and why they are there all the same
USED_WITHOUT_IMPORT = {
    "rl-accel": "reportlab's C accelerator: reportlab loads it when it is installed",
    "pytest-qt": "pytest plugin: the qtbot fixture of the window tests",
    "pytest-cov": "pytest plugin: the coverage gate of the rules engine",
    "ruff": "run as `python -m ruff` by tests/test_lint.py",
    "mypy": "run as `python -m mypy` by tests/test_types.py",
    "types-reportlab": "reportlab's type stubs, read by mypy (tests/test_types.py)",
    "types-openpyxl": "openpyxl's type stubs, read by mypy (tests/test_types.py)",
    "pytest-timeout": "pytest plugin: the per-test timeout set in pyproject.toml",
}
#: modules of a group that is not installed by default (the build group)
NOT_INSTALLED_BY_DEFAULT = {"PyInstaller": "pyinstaller"}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def names(requirements: list[str]) -> set[str]:
    return {normalize(re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0]) for r in requirements}


RUNTIME = names(PYPROJECT["project"]["dependencies"])
GROUPS = {g: names(reqs) for g, reqs in PYPROJECT["dependency-groups"].items()}


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def third_party(folder: str, *extra: str) -> dict[str, set[str]]:
    """Distribution name -> files importing it, for the Python files under *folder*."""
    dists = _distributions()
    own = {"inspector_app", "conftest", "tests", "benchmarks"}
    # helper modules beside the tests (imported by name from their folder)
    own |= {p.stem for p in (ROOT / "tests").rglob("*.py") if not p.stem.startswith("test_")}
    paths = [*(ROOT / folder).rglob("*.py"), *(ROOT / e for e in extra)]
    found: dict[str, set[str]] = {}
    for path in paths:
        if "__pycache__" in path.parts:
            continue
        for module in top_level_imports(path):
            if module in sys.stdlib_module_names or module in own or module == "__future__":
                continue
            fallback = NOT_INSTALLED_BY_DEFAULT.get(module, f"<not installed: {module}>")
            for dist in dists.get(module, [fallback]):
                found.setdefault(normalize(dist), set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_the_program_imports_only_runtime_dependencies():
    undeclared = {d: sorted(f) for d, f in third_party("inspector_app").items() if d not in RUNTIME}
    assert not undeclared, (
        f"imported by the program but not in [project].dependencies: {undeclared}"
    )


def test_tests_benchmarks_and_packaging_import_only_declared_packages():
    allowed = RUNTIME | GROUPS["dev"] | GROUPS["build"]
    found: dict[str, set[str]] = {}
    for folder in ("tests", "benchmarks", "packaging"):
        found.update(third_party(folder))
    found.update(third_party("tests", "conftest.py", "build.spec"))
    undeclared = {d: sorted(f) for d, f in found.items() if d not in allowed}
    assert not undeclared, f"imported but declared nowhere in pyproject.toml: {undeclared}"


def test_every_declared_package_is_used():
    imported = set()
    for folder in ("inspector_app", "tests", "benchmarks", "packaging"):
        imported |= set(third_party(folder))
    imported |= set(third_party("tests", "conftest.py", "build.spec"))
    unused = (RUNTIME | GROUPS["dev"] | GROUPS["build"]) - imported - set(USED_WITHOUT_IMPORT)
    assert not unused, f"declared but imported nowhere: {sorted(unused)}"
    # and the reasons above stay true: each such package is really installed
    for dist in USED_WITHOUT_IMPORT:
        assert importlib.metadata.version(dist)
    assert "ruff" in (ROOT / "tests" / "test_lint.py").read_text(encoding="utf-8")
    assert "mypy" in (ROOT / "tests" / "test_types.py").read_text(encoding="utf-8")


def test_the_import_scan_sees_what_the_code_imports():
    program = third_party("inspector_app")
    assert "reports/signing.py" in " ".join(program["asn1crypto"])
    assert {"pyside6-essentials", "reportlab", "cryptography"} <= set(program)
    assert "pyinstaller" in third_party("tests", "build.spec")  # from the spec file
