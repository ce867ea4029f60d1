"""What the frozen build adds around the program for the operating system it is built on.

Linux (called by ``build.spec`` after PyInstaller has collected ``dist/inspector-app/``):

- ``share/applications/inspector-app.desktop`` and ``share/icons/hicolor/NxN/apps/
  inspector-app.png`` (every size of ``resources/icons/inspector-app.ico``), and
  ``install-desktop.sh``, which puts both into the user's (or, with ``--system``, every
  user's) application menu with the absolute path of this folder's program;
- ``_internal/build-info.json``: the version, and the newest glibc symbol version any
  shipped binary needs (:func:`glibc_floor`), which ``inspector-app --self-test`` compares
  with the running glibc.

Windows: :func:`write_windows_version_file` writes the version resource (file and product
version, name, description) that ``build.spec`` gives each ``.exe``.

Loaded by path, like ``datafiles.py`` (``packaging/`` is not a Python package).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
DESKTOP_FILE = LINUX / "inspector-app.desktop"
INSTALLER = LINUX / "install-desktop.sh"
ICON_ICO = ROOT / "resources" / "icons" / "inspector-app.ico"
#: the name the menu entry, the icon and the executable share
APP_ID = "inspector-app"
BUILD_INFO = "build-info.json"

_GLIBC = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def glibc_needs(path: Path) -> set[str]:
    """The glibc symbol versions one ELF file asks for (``objdump -p``, its version references)."""
    out = subprocess.run(
        ["objdump", "-p", str(path)], capture_output=True, text=True, check=False
    ).stdout
    needed, in_refs = set(), False
    for line in out.splitlines():
        if line.startswith("Version References:"):
            in_refs = True
        elif in_refs and line and not line[0].isspace():
            break
        elif in_refs:
            needed.update(_GLIBC.findall(line))
    return needed


def glibc_floor(folder: Path) -> tuple[str | None, str | None]:
    """The newest glibc version any ELF file under *folder* needs, and the file that needs
    it; ``(None, None)`` when there is none (or objdump is missing)."""
    if shutil.which("objdump") is None:
        return None, None
    best, who = None, None
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or not _is_elf(path):
            continue
        for version in glibc_needs(path):
            if best is None or version_key(version) > version_key(best):
                best, who = version, path.relative_to(folder).as_posix()
    return best, who


def write_build_info(app_dir: Path, version: str, internal: str = "_internal") -> dict:
    """``<app>/_internal/build-info.json``: what the self-test reports about this build."""
    floor, needed_by = glibc_floor(app_dir)
    info = {"version": version, "glibc": floor, "glibc_needed_by": needed_by}
    target = app_dir / internal / BUILD_INFO
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def install_desktop_files(app_dir: Path) -> list[Path]:
    """Put the menu entry, the icons and their installer into the built folder."""
    from PIL import Image

    written = []
    apps = app_dir / "share" / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DESKTOP_FILE, apps / f"{APP_ID}.desktop")
    written.append(apps / f"{APP_ID}.desktop")
    with Image.open(ICON_ICO) as ico:
        for width, height in sorted(ico.info["sizes"]):
            ico.size = (width, height)
            folder = app_dir / "share" / "icons" / "hicolor" / f"{width}x{height}" / "apps"
            folder.mkdir(parents=True, exist_ok=True)
            ico.load()
            ico.copy().convert("RGBA").save(folder / f"{APP_ID}.png")
            written.append(folder / f"{APP_ID}.png")
    target = app_dir / INSTALLER.name
    shutil.copyfile(INSTALLER, target)
    target.chmod(0o755)
    written.append(target)
    return written


def windows_version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def write_windows_version_file(
    target: Path, *, version: str, exe_name: str, description: str
) -> Path:
    """The version resource of one ``.exe``, in the text form PyInstaller's ``EXE(version=)``
    reads: file and product version, names, description, US English / Unicode."""
    numbers = windows_version_tuple(version)
    strings = {
        "CompanyName": "Inspector",
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": "Apache-2.0",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": "Inspector",
        "ProductVersion": version,
    }
    table = ",\n".join(
        f"          StringStruct({key!r}, {value!r})" for key, value in strings.items()
    )
    text = f"""# UTF-8
# The Windows version resource of {exe_name}.exe, written by packaging/desktop.py.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3F,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [
{table}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
