"""The translation catalogue: one Chinese text per English key across every module."""

import importlib
import pkgutil

import inspector_app
from inspector_app import i18n


def test_register_and_translate():
    i18n.register({"Zero-test key": "零测试"})
    assert i18n.tr("Zero-test key", "zh") == "零测试"
    assert i18n.tr("Zero-test key", "en") == "Zero-test key"
    assert i18n.tr("never registered", "zh") == "never registered"
    assert i18n.pick({"zh": "秤", "en": "Scale"}, "zh") == "秤"
    assert i18n.pick(("秤", "Scale"), "en") == "Scale"


def test_language_switch_notifies_listeners():
    seen = []
    unsubscribe = i18n.on_language_changed(seen.append)
    before = i18n.current_language()
    try:
        i18n.set_language("zh")
        i18n.set_language("en")
    finally:
        unsubscribe()
        i18n.set_language(before)
    assert seen[:2] == ["zh", "en"]


def test_no_conflicting_translations_across_modules():
    for mod in pkgutil.walk_packages(inspector_app.__path__, "inspector_app."):
        importlib.import_module(mod.name)
    assert i18n.conflicts == [], "the same English text has two Chinese translations: " + "; ".join(
        f"{k!r}: {a!r} vs {b!r}" for k, a, b in i18n.conflicts
    )
