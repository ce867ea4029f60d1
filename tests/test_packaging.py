"""build.spec ships every data file from one list, at the path the program reads it from.

The frozen build itself is built and self-tested by ``packaging/build.sh`` (CI runs it when
its time allows), not by pytest. Here the spec is executed with PyInstaller's build steps
replaced by recorders, so it runs without PyInstaller installed and in well under a second.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tomllib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_datafiles():
    spec = importlib.util.spec_from_file_location(
        "inspector_datafiles_test", ROOT / "packaging" / "datafiles.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def files_on_disk() -> set[str]:
    out = set()
    for folder in ("forms", "resources"):
        for dirpath, _, names in os.walk(ROOT / folder):
            out.update(
                Path(dirpath, n).relative_to(ROOT).as_posix()
                for n in names
                if "__pycache__" not in dirpath
            )
    return out


class Recorder:
    def __init__(self, kind: str, calls: dict):
        self.kind = kind
        self.calls = calls

    def __call__(self, *args, **kwargs):
        self.calls.setdefault(self.kind, []).append((args, kwargs))
        if self.kind == "Analysis":
            return types.SimpleNamespace(
                pure=[],
                scripts=[],
                binaries=list(kwargs.get("binaries", [])),
                datas=[(dest + "/x", src, "DATA") for src, dest in kwargs["datas"]],
                **{"kwargs": kwargs},
            )
        return types.SimpleNamespace(args=args, kwargs=kwargs)


@pytest.fixture
def spec_run(monkeypatch, tmp_path):
    """Execute build.spec; returns the recorded Analysis/EXE/COLLECT calls."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package, subdir=None: [
        (f"<{package}/{subdir or ''}>", package)
    ]
    hooks.collect_submodules = lambda package: (
        [
            m.name
            for m in __import__("pkgutil").walk_packages(
                [str(ROOT / "inspector_app")], "inspector_app."
            )
        ]
        + ["inspector_app"]
        if package == "inspector_app"
        else [package + ".x"]
    )
    hooks.copy_metadata = lambda name: [(f"<{name}.dist-info>", f"{name}.dist-info")]
    for name, module in (
        ("PyInstaller", types.ModuleType("PyInstaller")),
        ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
        ("PyInstaller.utils.hooks", hooks),
    ):
        monkeypatch.setitem(sys.modules, name, module)
    calls: dict = {}
    namespace = {
        "SPECPATH": str(ROOT),
        "DISTPATH": str(tmp_path / "dist"),
        "__file__": str(ROOT / "build.spec"),
        **{k: Recorder(k, calls) for k in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    code = compile(
        (ROOT / "build.spec").read_text(encoding="utf-8"), str(ROOT / "build.spec"), "exec"
    )
    exec(code, namespace)  # noqa: S102 - our own spec file
    calls["namespace"] = namespace
    return calls


def test_datafiles_lists_every_file_under_forms_and_resources():
    df = load_datafiles()
    listed = {p.as_posix() for p in df.shipped_files()}
    assert listed == files_on_disk()
    assert "resources/fonts/wqy-microhei.ttc" in listed and "forms/scale.toml" in listed
    assert all(dest == Path(src).relative_to(ROOT).parent.as_posix() for src, dest in df.datas())


def test_datafiles_notices_a_new_file(tmp_path):
    df = load_datafiles()
    (tmp_path / "forms").mkdir()
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "forms" / "taximeter.toml").write_text("schema = 1\n")
    (tmp_path / "resources" / "icons" / "new.png").write_bytes(b"png")
    (tmp_path / "resources" / "icons" / ".DS_Store").write_bytes(b"junk")
    assert [p.as_posix() for p in df.shipped_files(tmp_path)] == [
        "forms/taximeter.toml",
        "resources/icons/new.png",
    ]


def test_spec_ships_every_data_file_where_the_program_reads_it(spec_run, tmp_path, monkeypatch):
    ((args, kwargs),) = spec_run["Analysis"]
    shipped = {
        (Path(src).relative_to(ROOT).as_posix(), dest)
        for src, dest in kwargs["datas"]
        if not src.startswith("<")
    }
    assert {rel for rel, _ in shipped} == files_on_disk()
    # placed so that resource_path() finds them under sys._MEIPASS
    bundle = tmp_path / "bundle"
    for rel, dest in shipped:
        target = bundle / dest / Path(rel).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"x")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    from inspector_app.paths import resource_path

    assert resource_path("resources", "fonts", "wqy-microhei.ttc").is_file()
    assert resource_path("resources", "icons", "inspector-app.png").is_file()
    # forms_dir() in a frozen build: <bundle>/inspector_app/domain/forms.pyc -> parents[2]/forms
    assert (bundle / "forms" / "scale.toml").is_file()
    assert ("<inspector-app.dist-info>", "inspector-app.dist-info") in kwargs[
        "datas"
    ]  # __version__


def test_spec_name_version_imports_excludes_and_icon(spec_run):
    ((args, kwargs),) = spec_run["Analysis"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    exe_names = [kw["name"] for _, kw in spec_run["EXE"]]
    assert exe_names[0] == project["name"] == "inspector-app"
    assert spec_run["COLLECT"][0][1]["name"] == "inspector-app"
    # every rules family module is shipped although only pkgutil finds it
    rules = {
        p.stem
        for p in (ROOT / "inspector_app" / "domain" / "rules").glob("*.py")
        if p.stem != "__init__"
    }
    assert {f"inspector_app.domain.rules.{r}" for r in rules} <= set(kwargs["hiddenimports"])
    assert "PySide6.QtOpenGL" in kwargs["hiddenimports"]  # pyqtgraph imports it by name
    for bad in (
        "PyQt5",
        "PyQt6",
        "PySide2",
        "tkinter",
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtMultimedia",
        "PySide6.QtQuick",
        "PySide6.QtQml",
        "PySide6.QtSql",
        "PySide6.QtDesigner",
    ):
        assert bad in kwargs["excludes"], bad
    for needed in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtOpenGL"):
        assert needed not in kwargs["excludes"]
    icon = Path(spec_run["EXE"][0][1]["icon"])
    assert icon.is_file() and icon.parent == ROOT / "resources" / "icons"
    assert Path(args[0][0]) == ROOT / "packaging" / "entry.py"


def test_spec_keeps_only_the_window_languages_and_desktop_platforms(spec_run):
    unwanted = spec_run["namespace"]["_unwanted"]
    qt = "PySide6/Qt/"
    assert not unwanted(qt + "translations/qtbase_zh_CN.qm") and not unwanted(
        qt + "translations/qt_en.qm"
    )
    assert unwanted(qt + "translations/qtbase_de.qm") and unwanted(
        qt + "translations/qt_help_zh_CN.qm"
    )
    for keep in ("libqxcb.so", "libqoffscreen.so", "libqwayland.so", "libqminimal.so"):
        assert not unwanted(qt + "plugins/platforms/" + keep)
    assert unwanted(qt + "plugins/platforms/libqeglfs.so") and unwanted(
        qt + "plugins/platforms/libqvnc.so"
    )
    assert not unwanted("forms/scale.toml") and not unwanted("resources/fonts/wqy-microhei.ttc")


def test_icon_files_are_a_real_icon():
    from PIL import Image

    png = Image.open(ROOT / "resources" / "icons" / "inspector-app.png")
    assert png.size == (256, 256) and png.mode == "RGBA"
    ico = Image.open(ROOT / "resources" / "icons" / "inspector-app.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_every_resource_is_registered_in_the_resources_readme():
    text = (ROOT / "resources" / "README.md").read_text(encoding="utf-8")
    for rel in sorted(files_on_disk()):
        if rel.startswith("resources/") and rel != "resources/README.md":
            assert f"`{rel.removeprefix('resources/')}`" in text, rel


def test_build_script_checks_for_missing_modules_and_qt_plugins():
    script = (ROOT / "packaging" / "build.sh").read_text(encoding="utf-8")
    assert "pyinstaller build.spec --noconfirm" in script and "--self-test" in script
    assert "could not load the qt platform plugin" in script.lower()
    assert "ModuleNotFoundError" in script
    assert os.access(ROOT / "packaging" / "build.sh", os.X_OK)
