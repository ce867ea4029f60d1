"""The translation catalogue: gettext .po/.mo files, one Chinese text per English key."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import re
import string
from pathlib import Path

import pytest

import inspector_app
from inspector_app import i18n

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "packaging" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return _tool()


@pytest.fixture(scope="module")
def catalog(tool):
    return tool.read_catalog()


def test_translate_from_the_compiled_catalogue():
    assert i18n.tr("&Approve", "zh") == "批准(&A)"
    assert i18n.tr("&Approve", "en") == "&Approve"
    assert i18n.tr("never in the catalogue", "zh") == "never in the catalogue"
    assert i18n.tr("&Approve", "fr") == "&Approve"
    assert i18n.pick({"zh": "秤", "en": "Scale"}, "zh") == "秤"
    assert i18n.pick(("秤", "Scale"), "en") == "Scale"


def test_a_context_gives_one_english_word_two_chinese_texts():
    assert i18n.trc("person", "Name", "zh") == "姓名"
    assert i18n.tr("Name", "zh") == "名称"
    assert i18n.trc("person", "Name", "en") == "Name"


def test_plural_forms_follow_the_count():
    one, many = "Expires in {n} day", "Expires in {n} days"
    assert i18n.ntr(one, many, 1, "en").format(n=1) == "Expires in 1 day"
    assert i18n.ntr(one, many, 3, "en").format(n=3) == "Expires in 3 days"
    # Chinese has one form (Plural-Forms: nplurals=1) whatever the count
    assert i18n.ntr(one, many, 1, "zh").format(n=1) == "1 天后到期"
    assert i18n.ntr(one, many, 3, "zh").format(n=3) == "3 天后到期"


def test_the_po_declares_chinese_plural_forms(tool):
    text = tool.po_path().read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    assert '"Language: zh_CN\\n"' in text


def test_compiled_mo_matches_the_po(tool):
    """The program reads the .mo; it must say exactly what the .po says."""
    problems = tool.mismatches()
    assert problems == [], (
        "the .mo is out of date (uv run python packaging/i18n.py compile): "
        + "; ".join(problems[:10])
    )


def test_the_mo_is_read_from_the_shipped_resources(tool):
    assert i18n.locale_dir() == ROOT / "resources" / "i18n"
    assert (i18n.locale_dir() / "zh_CN" / "LC_MESSAGES" / "inspector.mo").is_file()


def _fields(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:
        return set()


def test_translations_keep_the_placeholders_and_accelerators(catalog):
    bad = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text and _fields(text) != _fields(ids[-1]) and _fields(text) != _fields(ids[0]):
                bad.append(f"{ids[0]!r} -> {text!r}")
            accel = re.search(r"&(\w)", ids[0])
            if accel and text and "&" not in text:
                bad.append(f"{ids[0]!r} -> {text!r} loses its Alt shortcut")
    assert bad == [], "; ".join(bad[:10])


# Texts the extractor reads wrongly from an expression (not a text to translate).
NOT_TEXTS = {"herelocal", ", "}


def test_every_text_the_code_translates_has_chinese(tool, catalog):
    """Babel finds every tr("…")/ntr("…", "…", n) in the code; each needs its Chinese."""
    for mod in pkgutil.walk_packages(inspector_app.__path__, "inspector_app."):
        importlib.import_module(mod.name)
    missing = []
    for (context, message), files in sorted(tool.extracted().items(), key=lambda kv: str(kv[0])):
        key = message[0] if isinstance(message, tuple) else message
        if key in NOT_TEXTS:
            continue
        entry = catalog.get(key, context=context)
        if entry is not None and entry.string and all(entry.string):
            continue
        if context is None and not isinstance(message, tuple) and i18n.tr(key, "zh") != key:
            continue  # still registered at run time by a module not yet moved to the .po
        missing.append(f"{key!r} ({', '.join(sorted(files))})")
    assert missing == [], (
        "texts without Chinese (add them with `uv run python packaging/i18n.py extract`, "
        "translate them in the .po, then compile): " + "; ".join(missing)
    )


def test_no_conflicting_translations_across_modules():
    for mod in pkgutil.walk_packages(inspector_app.__path__, "inspector_app."):
        importlib.import_module(mod.name)
    assert i18n.conflicts == [], "the same English text has two Chinese translations: " + "; ".join(
        f"{k!r}: {a!r} vs {b!r}" for k, a, b in i18n.conflicts
    )


def _register_calls() -> list[str]:
    out = []
    for path in sorted((ROOT / "inspector_app").rglob("*.py")):
        if path.name == "i18n.py" and path.parent.name == "inspector_app":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = any(
            isinstance(node, ast.ImportFrom)
            and (node.module or "").endswith("i18n")
            and any(alias.name == "register" for alias in node.names)
            for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "register" and imported) or (
                isinstance(f, ast.Attribute)
                and f.attr == "register"
                and isinstance(f.value, ast.Name)
                and f.value.id == "i18n"
            ):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def test_no_module_registers_texts_at_run_time():
    """The catalogue is the .po file: a text registered in code would be missed by
    translators and by the extraction tool."""
    calls = _register_calls()
    assert calls == [], "move these texts into the .po file: " + ", ".join(calls)
