"""The translation catalogue: extract new texts from the code, compile, check.

    uv run python packaging/i18n.py extract   # add every new tr("…")/ntr("…", "…", n) text to the .po
    uv run python packaging/i18n.py compile   # write the .mo the program reads
    uv run python packaging/i18n.py check     # exit 1 when the .mo does not match the .po

Babel (the dev group) reads the code and the .po file; the program itself reads only the
compiled .mo with the standard library's ``gettext``, so neither the window nor the frozen
build needs Babel. The .po is written sorted by English text, with file names but no line
numbers, so that two people adding texts at the same time rarely touch the same lines.
``extract`` never drops an entry: texts used through a variable (``tr(NAMES[key])``) are
not seen by the extractor and are kept as they are.

This file is loaded by path, like ``datafiles.py`` (``packaging/`` is not a package).
"""

from __future__ import annotations

import gettext
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "resources" / "i18n"
DOMAIN = "inspector"
LOCALES = ("zh_CN",)
#: the call names whose string arguments are texts to translate (Babel's keyword spec)
KEYWORDS = {"tr": None, "ntr": (1, 2), "trc": ((1, "c"), 2)}
HEADER_COMMENT = """\
# Chinese texts of the Inspector window, reports and command line.
# The English text is the key. Add new texts with `uv run python packaging/i18n.py extract`,
# translate them here, then `uv run python packaging/i18n.py compile`.
#"""


def po_path(locale: str = "zh_CN") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str = "zh_CN") -> Path:
    return po_path(locale).with_suffix(".mo")


def read_catalog(locale: str = "zh_CN"):
    from babel.messages.pofile import read_po

    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale, domain=DOMAIN)


def write_catalog(catalog, locale: str = "zh_CN") -> None:
    from babel.messages.pofile import write_po

    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, include_lineno=False)


def new_catalog(locale: str = "zh_CN"):
    from babel.messages.catalog import Catalog

    fixed = datetime(2026, 12, 4, tzinfo=UTC)  # constant dates: no churn on each write
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        header_comment=HEADER_COMMENT,
        project="Inspector",
        version="1",
        charset="utf-8",
        fuzzy=False,
        creation_date=fixed,
        revision_date=fixed,
        last_translator="Inspector contributors",
        language_team="Inspector contributors",
    )


def extracted(root: Path = ROOT) -> dict[tuple[str | None, object], set[str]]:
    """Every text the code passes to ``tr``/``trc``/``ntr`` literally, keyed by (context,
    text), with the files it is in (an ``ntr`` text is the pair (singular, plural))."""
    from babel.messages.extract import extract_from_dir

    found: dict[tuple[str | None, object], set[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(root / "inspector_app"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=(),
    ):
        if not message or (isinstance(message, tuple) and not all(message)):
            continue
        found.setdefault((context, message), set()).add(f"inspector_app/{filename}")
    return found


def extract(locale: str = "zh_CN") -> list[object]:
    """Add the texts the code uses and the .po lacks (untranslated); returns them."""
    catalog = read_catalog(locale) if po_path(locale).exists() else new_catalog(locale)
    added = []
    for (context, message), files in sorted(extracted().items(), key=lambda kv: str(kv[0])):
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key, context=context)
        locations = [(f, None) for f in sorted(files)]
        if entry is None:
            empty = ("",) if isinstance(message, tuple) else ""
            catalog.add(message, empty, locations, context=context)
            added.append(message if context is None else (context, message))
        else:
            entry.locations = locations
    write_catalog(catalog, locale)
    return added


def compile_mo(locale: str = "zh_CN") -> Path:
    """Write the .mo from the .po (untranslated entries are left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo

    catalog = read_catalog(locale)
    with mo_path(locale).open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    return mo_path(locale)


def mismatches(locale: str = "zh_CN") -> list[str]:
    """How the committed .mo differs from the .po (empty when they match)."""
    if not mo_path(locale).exists():
        return [f"{mo_path(locale).relative_to(ROOT)} is missing"]
    with mo_path(locale).open("rb") as fh:
        mo = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    want: dict[object, str] = {}
    for message in read_catalog(locale):
        if not message.id or not message.string or message.fuzzy:
            continue
        prefix = f"{message.context}\x04" if message.context else ""
        if isinstance(message.id, tuple | list):
            for i, text in enumerate(message.string):
                want[(prefix + message.id[0], i)] = text
        else:
            want[prefix + message.id] = message.string
    got = {k: v for k, v in mo.items() if k != ""}
    out = [f"not in the .mo: {k!r}" for k in want if k not in got]
    out += [f"only in the .mo: {k!r}" for k in got if k not in want]
    out += [f"differs: {k!r}" for k in want if k in got and got[k] != want[k]]
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        added = extract()
        print(f"{po_path().relative_to(ROOT)}: {len(added)} new texts to translate")
        for message in added:
            print("  ", message)
        return 0
    if command == "compile":
        print("wrote", compile_mo().relative_to(ROOT))
        return 0
    if command == "check":
        problems = mismatches()
        for line in problems[:20]:
            print(line)
        if problems:
            print("run: uv run python packaging/i18n.py compile")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
