"""build.spec ships every data file from one list, at the path the program reads it from.

The frozen build itself is built and self-tested by ``packaging/build.sh`` (CI runs it when
its time allows), not by pytest. Here the spec is executed with PyInstaller's build steps
replaced by recorders, so it runs without PyInstaller installed and in well under a second.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
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
def spec_run_factory(monkeypatch, tmp_path):
    """Execute build.spec (for the ``sys.platform`` in force when called); returns the
    recorded Analysis/EXE/COLLECT calls and the spec's namespace."""
    return lambda: _run_spec(monkeypatch, tmp_path)


@pytest.fixture
def spec_run(spec_run_factory):
    return spec_run_factory()


def _run_spec(monkeypatch, tmp_path):
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
        "workpath": str(tmp_path / "work"),
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


# ---- Windows side of build.spec, evaluated without Windows or PyInstaller ----------------


def load_desktop():
    spec = importlib.util.spec_from_file_location(
        "inspector_desktop_test", ROOT / "packaging" / "desktop.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_version_resource(path: Path) -> dict:
    """Evaluate a version file as PyInstaller does, with recorders for its classes."""

    def record(kind):
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    names = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    info = eval(path.read_text(encoding="utf-8"), {n: record(n) for n in names})  # noqa: S307
    strings = {}
    for kid in info["kids"]:
        if kid["kind"] == "StringFileInfo":
            for table in kid["args"][0]:
                strings.update(s["args"] for s in table["args"][1])
    return {"ffi": info["ffi"], "strings": strings}


@pytest.fixture
def windows_spec_run(monkeypatch, tmp_path, spec_run_factory):
    monkeypatch.setattr(sys, "platform", "win32")
    return spec_run_factory()


def test_windows_spec_two_executables_with_icon_and_version_resource(windows_spec_run, tmp_path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    exes = {kw["name"]: kw for _, kw in windows_spec_run["EXE"]}
    # the window without a console, the same program with one for the sub-commands
    assert set(exes) == {"inspector-app", "inspector-app-cli"}
    assert exes["inspector-app"]["console"] is False and exes["inspector-app-cli"]["console"]
    collected = windows_spec_run["COLLECT"][0][0]
    assert len([c for c in collected if getattr(c, "kwargs", {}).get("name")]) == 2
    for name, kw in exes.items():
        icon = Path(kw["icon"])
        assert icon.suffix == ".ico" and icon.is_file(), icon
        version_file = Path(kw["version"])
        assert version_file.is_file() and version_file.parent == tmp_path / "work"
        resource = read_version_resource(version_file)
        major, minor, patch = (int(n) for n in project["version"].split("."))
        assert resource["ffi"]["filevers"] == (major, minor, patch, 0)
        assert resource["ffi"]["prodvers"] == (major, minor, patch, 0)
        assert resource["strings"]["OriginalFilename"] == f"{name}.exe"
        assert resource["strings"]["FileVersion"] == project["version"]
        assert resource["strings"]["ProductName"] == "Inspector"
        assert name.removeprefix("inspector-app") in ("", "-cli")
    # nothing of the Linux post-processing runs on Windows
    assert not (tmp_path / "dist").exists()
    # Windows paths use backslashes: the filter still keeps only the window languages
    unwanted = windows_spec_run["namespace"]["_unwanted"]
    assert unwanted("PySide6\\Qt\\translations\\qtbase_de.qm")
    assert not unwanted("PySide6\\Qt\\translations\\qtbase_zh_CN.qm")
    assert not unwanted("PySide6\\plugins\\platforms\\qwindows.dll")


def test_version_numbers_for_windows():
    desktop = load_desktop()
    assert desktop.windows_version_tuple("0.1.0") == (0, 1, 0, 0)
    assert desktop.windows_version_tuple("1.2.3.4") == (1, 2, 3, 4)
    assert desktop.windows_version_tuple("2.0rc1") == (2, 0, 1, 0)


# ---- Linux: menu entry, icons, glibc floor -----------------------------------------------


def desktop_entry(path: Path) -> dict[str, str]:
    import configparser

    parser = configparser.RawConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def validate_desktop_file(path: Path) -> None:
    entry = desktop_entry(path)
    for key in ("Type", "Name", "Exec", "Icon", "Categories"):
        assert entry.get(key), key
    assert entry["Type"] == "Application" and entry["Icon"] == "inspector-app"
    assert entry["Terminal"] == "false" and "Name[zh_CN]" in entry
    if shutil.which("desktop-file-validate"):  # the freedesktop.org reference checker
        out = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_the_desktop_file_is_a_valid_menu_entry():
    validate_desktop_file(ROOT / "packaging" / "linux" / "inspector-app.desktop")


def test_linux_spec_puts_menu_entry_icons_installer_and_build_info_into_the_folder(spec_run):
    app = Path(spec_run["namespace"]["DISTPATH"]) / "inspector-app"
    validate_desktop_file(app / "share" / "applications" / "inspector-app.desktop")
    sizes = sorted(p.parent.parent.name for p in (app / "share" / "icons").rglob("*.png"))
    assert {"16x16", "32x32", "48x48", "256x256"} <= set(sizes)
    from PIL import Image

    for png in (app / "share" / "icons" / "hicolor").rglob("inspector-app.png"):
        with Image.open(png) as image:
            width = int(png.parent.parent.name.split("x")[0])
            assert image.size == (width, width) and image.mode == "RGBA"
    assert os.access(app / "install-desktop.sh", os.X_OK)
    info = json.loads((app / "_internal" / "build-info.json").read_text(encoding="utf-8"))
    assert info["version"] == spec_run["namespace"]["VERSION"]


def fake_program_folder(tmp_path: Path, name: str) -> Path:
    app = tmp_path / name
    app.mkdir()
    load_desktop().install_desktop_files(app)
    (app / "inspector-app").write_text("#!/bin/sh\necho fake\n")
    (app / "inspector-app").chmod(0o755)
    return app


def test_install_desktop_script_adds_and_removes_the_menu_entry(tmp_path):
    # a folder name with a space, a quote and a dollar: Exec must still name the program
    app = fake_program_folder(tmp_path, 'Inspector 0.1 "field" $HOME')
    data = tmp_path / "data"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    run = subprocess.run([str(app / "install-desktop.sh")], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    installed = data / "applications" / "inspector-app.desktop"
    validate_desktop_file(installed)
    entry = desktop_entry(installed)
    # undo the desktop entry format's two levels: string escapes, then Exec quoting
    exec_value = entry["Exec"].replace("\\\\", "\\")
    assert exec_value.startswith('"') and exec_value.endswith('"'), exec_value
    assert re.sub(r'\\([\\"`$])', r"\1", exec_value[1:-1]) == str(app / "inspector-app")
    assert entry["TryExec"] == str(app / "inspector-app")
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / "inspector-app.png").is_file()

    run = subprocess.run(
        [str(app / "install-desktop.sh"), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert not installed.exists()
    assert not list((data / "icons").rglob("inspector-app.png"))

    bad = subprocess.run(
        [str(app / "install-desktop.sh"), "--bogus"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown option" in bad.stderr


def test_glibc_floor_of_a_real_binary(tmp_path):
    desktop = load_desktop()
    real = Path(os.path.realpath(sys.executable))
    shutil.copy(real, tmp_path / "python")
    (tmp_path / "notes.txt").write_text("GLIBC_9.99 in a text file does not count")
    floor, needed_by = desktop.glibc_floor(tmp_path)
    if shutil.which("objdump") is None:  # binutils missing: no floor claimed at all
        assert (floor, needed_by) == (None, None)
        return
    running = os.confstr("CS_GNU_LIBC_VERSION").split()[1]
    assert needed_by == "python"
    assert (2, 2) <= desktop.version_key(floor) <= desktop.version_key(running)


def test_self_test_compares_the_running_glibc_with_the_builds(tmp_path, monkeypatch):
    from inspector_app.services import selftest_steps

    running = selftest_steps.running_glibc()
    assert running and selftest_steps._version_key(running) >= (2, 17)
    ctx = selftest_steps.Context(folder=tmp_path, db_path=tmp_path / "x.db")
    assert "from source" in selftest_steps.step_platform(ctx)

    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(selftest_steps.SelfTestError, match="does not record the glibc"):
        selftest_steps.step_platform(ctx)
    (tmp_path / "build-info.json").write_text(json.dumps({"glibc": "2.17"}))
    assert selftest_steps.step_platform(ctx) == f"glibc {running}; this build needs 2.17 or newer"
    (tmp_path / "build-info.json").write_text(json.dumps({"glibc": "99.1"}))
    with pytest.raises(
        selftest_steps.SelfTestError, match=f"needs glibc 99.1 .* has glibc {running}"
    ):
        selftest_steps.step_platform(ctx)


def test_spec_ships_psycopgs_compiled_part(spec_run):
    """The office database on PostgreSQL needs psycopg's binary package (its C module and
    the libpq it ships): psycopg imports it by name, so the analysis alone may miss it."""
    import importlib.metadata

    ((_args, kwargs), *_rest) = spec_run["Analysis"]
    hidden = set(kwargs["hiddenimports"])
    assert {"psycopg_binary", "psycopg_binary.pq", "psycopg_binary._psycopg"} <= hidden
    assert any(m.startswith("psycopg.") for m in hidden)  # psycopg's own modules, all of them
    for name in ("psycopg_binary", "psycopg"):
        assert name not in " ".join(spec_run["namespace"]["excludes"]).split()
    metadata = {src for src, _dest in kwargs["datas"]}
    assert {"<psycopg.dist-info>", "<psycopg-binary.dist-info>"} <= metadata
    # the binary package is what the project depends on, so the build has it to ship
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    assert any(d.replace(" ", "").startswith("psycopg[binary]") for d in deps)
    assert importlib.metadata.version("psycopg-binary")
    # and build.sh fails when the frozen self-test finds psycopg on its pure-Python fallback
    script = (ROOT / "packaging" / "build.sh").read_text(encoding="utf-8")
    assert "pure-Python fallback" in script and "INSPECTOR_SELFTEST_POSTGRES" in script
