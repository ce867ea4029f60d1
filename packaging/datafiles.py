"""The one list of files the frozen application ships besides code: every file under
``forms/`` and ``resources/`` (fonts, icons, licences, the resource register).

``build.spec`` passes :func:`datas` to PyInstaller and ``tests/test_packaging.py`` checks
it against the folders. Files land at the same relative path under ``sys._MEIPASS``, which
is where :func:`inspector_app.paths.resource_path` and
:func:`inspector_app.domain.forms.forms_dir` look in a frozen build.

This file is loaded by path (``packaging/`` is not a Python package: a package named
``packaging`` would shadow the PyPI library PyInstaller itself imports).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: folders shipped whole, relative to the repository root
DATA_FOLDERS = ("forms", "resources")
#: never shipped even when present (editor and OS litter)
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
IGNORED_SUFFIXES = (".pyc", ".swp", "~")
#: the application icon: .ico for the Windows executable; the window uses the .png
ICON_ICO = ROOT / "resources" / "icons" / "inspector-app.ico"
ICON_PNG = ROOT / "resources" / "icons" / "inspector-app.png"


def shipped_files(root: Path = ROOT) -> list[Path]:
    """Every file to ship, relative to *root*, sorted."""
    out = []
    for folder in DATA_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if (
                not path.is_file()
                or path.name in IGNORED_NAMES
                or path.name.endswith(IGNORED_SUFFIXES)
            ):
                continue
            if "__pycache__" in path.parts:
                continue
            out.append(path.relative_to(root))
    return out


def datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """PyInstaller ``datas`` entries: (source file, destination folder inside the bundle)."""
    return [(str(root / rel), rel.parent.as_posix()) for rel in shipped_files(root)]
