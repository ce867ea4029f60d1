"""Inspection forms: one declarative TOML file per instrument family (``forms/<family>.toml``).

A form holds the instrument fields, the checklist (legal checks and cheating indicators),
the tests with their fields and default test points, the units, and a Chinese and an
English label for each of them. The editor window and the PDF are driven by it. Files are
validated when loaded; a problem raises :class:`FormError` naming the file and the key.

Default test points are small expressions over the instrument's variables (e.g. ``"min"``,
``"500e"``, ``"0.5 * max"``, ``"(max + tare) / 3"``), parsed here without ``eval``.

Schema (``schema = 1``)::

    schema = 1
    family = "scale"                        # a family the rules engine registers
    label = { zh = "…", en = "…" }
    [units.<name>]  zh, en                  # every unit a field names
    [[instrument]]  field                   # nameplate data the rules need
    [[checklist]]   key, group ("legal" | "cheating"), label, finding_if ("no" | "yes"),
                    finding_text (the non-conforming wording printed when the answer is
                    finding_if; required when finding_if = "no", since the label is positive)
    [[tests]]       kind, label, fields = [field…], list = "points", item_fields = [field…],
                    point_field, points = [expr…], points_by, points_cases = {value = [expr…]},
                    round_to = expr, limit = expr
    field:          key, type ("number" | "numbers" | "text" | "choice" | "bool" | "object"
                    | "objects"), label, unit (a units key or "@unit": the instrument's unit),
                    required (bool), choices = [{value, zh, en}…], fields = [field…]
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.domain.form_points import default_points as default_points
from inspector_app.domain.form_points import evaluate_expression as evaluate_expression
from inspector_app.domain.form_points import parse_expression as parse_expression
from inspector_app.domain.rules import registry

SCHEMA = 1
FIELD_TYPES = ("number", "numbers", "text", "choice", "bool", "object", "objects")
GROUPS = ("legal", "cheating")
INSTRUMENT_UNIT = "@unit"


class FormError(Exception):
    """A form file is missing, unreadable or does not follow the schema."""

    def __init__(self, file: str | Path, key: str, message: str) -> None:
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")
        self.file = str(file)
        self.key = key
        self.message = message


# ---- the form model ---------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Choice:
    value: str
    label: Label


@dataclass(frozen=True)
class Field:
    key: str
    type: str
    label: Label
    unit: str | None = None
    required: bool = True
    choices: tuple[Choice, ...] = ()
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    label: Label
    finding_if: str = "no"
    finding_text: Label | None = None

    def failed_wording(self, lang: str) -> str:
        """How the question reads as a failed item: the non-conforming wording (a failed
        "封印完好" is "封印不完好/缺失", not its positive label)."""
        return (self.finding_text or self.label).get(lang)


@dataclass(frozen=True)
class FormTest:
    family: str
    kind: str
    label: Label
    fields: tuple[Field, ...] = ()
    list: str | None = None
    item_fields: tuple[Field, ...] = ()
    point_field: str | None = None
    points: tuple[str, ...] = ()
    points_by: str | None = None
    points_cases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    round_to: str | None = None
    limit: str | None = None


@dataclass(frozen=True)
class Form:
    family: str
    label: Label
    units: Mapping[str, Label]
    instrument: tuple[Field, ...]
    checklist: tuple[Question, ...]
    tests: tuple[FormTest, ...]
    path: Path
    version: str = "builtin-1"  # BUILTIN_VERSION, or the office's published version
    hash: str = ""  # SHA-256 of the form's TOML text (form_hash)

    @property
    def ref(self) -> dict[str, str]:
        """What a record keeps of the form it was filled against (``environment.form``)."""
        return {"id": self.family, "version": self.version, "hash": self.hash}

    def test(self, kind: str) -> FormTest:
        for t in self.tests:
            if t.kind == kind:
                return t
        raise KeyError(kind)


# ---- locating the files -----------------------------------------------------------------


def forms_dir() -> Path:
    """``$INSPECTOR_FORMS_DIR``; else the wheel's ``_data/forms``; else the source tree's
    ``forms/``; else the PyInstaller bundle's ``forms/``."""
    env = os.environ.get("INSPECTOR_FORMS_DIR")
    if env:
        return Path(env)
    packaged = importlib.resources.files("inspector_app") / "_data" / "forms"
    if packaged.is_dir():
        return Path(str(packaged))
    source = Path(__file__).resolve().parents[2] / "forms"
    if source.is_dir():
        return source
    bundle = getattr(sys, "_MEIPASS", None)  # pragma: no cover - frozen build only
    return Path(bundle) / "forms" if bundle else source  # pragma: no cover


# ---- validation -------------------------------------------------------------------------


class _Reader:
    """Validates one file's tables, naming the key of every problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> FormError:
        return FormError(self.path, key, message)

    def table(
        self, value: Any, key: str, allowed: tuple[str, ...] | None, required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """A table; *allowed* None accepts any keys."""
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        for k in value:
            if allowed is not None and k not in allowed:
                raise self.fail(
                    f"{key}.{k}" if key else k,
                    f"unknown key (expected one of: {', '.join(allowed)})",
                )
        for k in required:
            if k not in value:
                raise self.fail(f"{key}.{k}" if key else k, "is required")
        return value

    def string(self, value: Any, key: str, options: tuple[str, ...] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        if options is not None and value not in options:
            raise self.fail(key, f"must be one of: {', '.join(options)}; got {value!r}")
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of strings")
        return tuple(self.string(v, f"{key}[{i}]") for i, v in enumerate(value))

    def label(self, value: Any, key: str) -> Label:
        t = self.table(value, key, ("zh", "en"), ("zh", "en"))
        return Label(self.string(t["zh"], f"{key}.zh"), self.string(t["en"], f"{key}.en"))

    def array(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, "must be an array of tables")
        return value

    def unique(self, keys: list[str], key: str) -> None:
        seen = set()
        for i, k in enumerate(keys):
            if k in seen:
                raise self.fail(f"{key}[{i}]", f"duplicate {k!r}")
            seen.add(k)

    def fields(self, value: Any, key: str, units: Mapping[str, Label]) -> tuple[Field, ...]:
        out = []
        for i, raw in enumerate(self.array(value, key)):
            k = f"{key}[{i}]"
            t = self.table(
                raw,
                k,
                ("key", "type", "label", "unit", "required", "choices", "fields"),
                ("key", "type", "label"),
            )
            ftype = self.string(t["type"], f"{k}.type", FIELD_TYPES)
            unit = t.get("unit")
            if unit is not None and unit != INSTRUMENT_UNIT and unit not in units:
                raise self.fail(f"{k}.unit", f"unknown unit {unit!r} (declare it under [units])")
            required = t.get("required", True)
            if not isinstance(required, bool):
                raise self.fail(f"{k}.required", "must be true or false")
            choices: tuple[Choice, ...] = ()
            if ftype == "choice":
                if "choices" not in t:
                    raise self.fail(f"{k}.choices", "is required for a choice field")
                choices = tuple(
                    self.choice(c, f"{k}.choices[{j}]")
                    for j, c in enumerate(self.array(t["choices"], f"{k}.choices"))
                )
            elif "choices" in t:
                raise self.fail(f"{k}.choices", "only a choice field has choices")
            sub: tuple[Field, ...] = ()
            if ftype in ("object", "objects"):
                if "fields" not in t:
                    raise self.fail(f"{k}.fields", f"is required for an {ftype} field")
                sub = self.fields(t["fields"], f"{k}.fields", units)
            elif "fields" in t:
                raise self.fail(f"{k}.fields", "only object fields have fields")
            out.append(
                Field(
                    self.string(t["key"], f"{k}.key"),
                    ftype,
                    self.label(t["label"], f"{k}.label"),
                    unit,
                    required,
                    choices,
                    sub,
                )
            )
        self.unique([f_.key for f_ in out], key)
        return tuple(out)

    def choice(self, raw: Any, key: str) -> Choice:
        t = self.table(raw, key, ("value", "zh", "en"), ("value", "zh", "en"))
        return Choice(
            self.string(t["value"], f"{key}.value"),
            Label(self.string(t["zh"], f"{key}.zh"), self.string(t["en"], f"{key}.en")),
        )

    def expressions(self, value: Any, key: str) -> tuple[str, ...]:
        exprs = self.strings(value, key)
        for i, e in enumerate(exprs):
            self.expression(e, f"{key}[{i}]")
        return exprs

    def expression(self, value: Any, key: str) -> str:
        text = self.string(value, key)
        try:
            parse_expression(text)
        except ValueError as exc:
            raise self.fail(key, f"bad expression {text!r}: {exc}") from None
        return text


def _parse_form(path: Path, data: dict[str, Any]) -> Form:
    r = _Reader(path)
    r.table(
        data,
        "",
        ("schema", "family", "label", "units", "instrument", "checklist", "tests"),
        ("schema", "family", "label", "tests"),
    )
    if data["schema"] != SCHEMA:
        raise r.fail("schema", f"must be {SCHEMA}")
    family = r.string(data["family"], "family")
    if family != path.stem:
        raise r.fail("family", f"must match the file name ({path.stem!r})")
    fam = registry.get(family)
    if fam is None:
        raise r.fail("family", f"no rules module registers {family!r}")
    units = {
        k: r.label(v, f"units.{k}")
        for k, v in r.table(data.get("units", {}), "units", None).items()
    }
    instrument = r.fields(data.get("instrument", []), "instrument", units)
    checklist = []
    for i, raw in enumerate(r.array(data.get("checklist", []), "checklist")):
        k = f"checklist[{i}]"
        t = r.table(
            raw,
            k,
            ("key", "group", "label", "finding_if", "finding_text"),
            ("key", "group", "label"),
        )
        question = Question(
            r.string(t["key"], f"{k}.key"),
            r.string(t["group"], f"{k}.group", GROUPS),
            r.label(t["label"], f"{k}.label"),
            r.string(t.get("finding_if", "no"), f"{k}.finding_if", ("no", "yes")),
            r.label(t["finding_text"], f"{k}.finding_text") if "finding_text" in t else None,
        )
        checklist.append(question)
    r.unique([q.key for q in checklist], "checklist")
    for i, q in enumerate(checklist):
        if q.finding_if == "no" and q.finding_text is None:
            raise r.fail(
                f"checklist[{i}].finding_text",
                "missing: a question failed by 'no' needs its non-conforming wording",
            )
    tests = []
    kinds = tuple(fam.tests)
    for i, raw in enumerate(r.array(data["tests"], "tests")):
        k = f"tests[{i}]"
        t = r.table(
            raw,
            k,
            (
                "kind",
                "label",
                "fields",
                "list",
                "item_fields",
                "point_field",
                "points",
                "points_by",
                "points_cases",
                "round_to",
                "limit",
            ),
            ("kind", "label"),
        )
        cases = {
            str(case): r.expressions(v, f"{k}.points_cases.{case}")
            for case, v in r.table(t.get("points_cases", {}), f"{k}.points_cases", None).items()
        }
        has_points = bool(t.get("points") or cases)
        if has_points and "point_field" not in t:
            raise r.fail(f"{k}.point_field", "is required when the test declares points")
        if ("list" in t) != ("item_fields" in t):
            raise r.fail(f"{k}.list", "list and item_fields go together")
        tests.append(
            FormTest(
                family=family,
                kind=r.string(t["kind"], f"{k}.kind", kinds),
                label=r.label(t["label"], f"{k}.label"),
                fields=r.fields(t.get("fields", []), f"{k}.fields", units),
                list=r.string(t["list"], f"{k}.list") if "list" in t else None,
                item_fields=r.fields(t.get("item_fields", []), f"{k}.item_fields", units),
                point_field=r.string(t["point_field"], f"{k}.point_field")
                if "point_field" in t
                else None,
                points=r.expressions(t.get("points", []), f"{k}.points"),
                points_by=r.string(t["points_by"], f"{k}.points_by") if "points_by" in t else None,
                points_cases=cases,
                round_to=r.expression(t["round_to"], f"{k}.round_to") if "round_to" in t else None,
                limit=r.expression(t["limit"], f"{k}.limit") if "limit" in t else None,
            )
        )
    r.unique([t.kind for t in tests], "tests")
    return Form(
        family,
        r.label(data["label"], "label"),
        units,
        instrument,
        tuple(checklist),
        tuple(tests),
        path,
    )


BUILTIN_VERSION = "builtin-1"
"""The version of the form files shipped with the program."""
MAX_FORM_BYTES = 256 * 1024
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")


def form_hash(text: bytes) -> str:
    """The content hash of a form: SHA-256 of its TOML text as bytes (UTF-8)."""
    return hashlib.sha256(text).hexdigest()


def parse_form_text(family: str, text: bytes, version: str, where: str | Path = "") -> Form:
    """A form from its TOML text (a revised form an office publishes): validated like a
    form file; FormError names *where* (default ``<family>.toml``) and the key."""
    path = Path(where or f"{family}.toml")
    if len(text) > MAX_FORM_BYTES:
        raise FormError(path, "", f"a form is at most {MAX_FORM_BYTES // 1024} KiB")
    if not VERSION_RE.match(version):
        raise FormError(path, "version", "must be 1–40 letters, digits, '.', '_' or '-'")
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise FormError(path, "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise FormError(path, "", f"not valid TOML: {exc}") from None
    if data.get("family") != family:
        raise FormError(path, "family", f"must be {family!r}")
    form = _parse_form(Path(f"{family}.toml"), data)
    return _with_identity(form, version, form_hash(text), path)


def _with_identity(form: Form, version: str, digest: str, path: Path) -> Form:
    from dataclasses import replace

    return replace(form, version=version, hash=digest, path=path)


def _load_file(family: str, directory: Path | None) -> Form:
    path = (directory or forms_dir()) / f"{family}.toml"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FormError(path, "", "form file not found") from None
    except OSError as exc:
        raise FormError(path, "", f"cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FormError(path, "", f"not valid TOML: {exc}") from None
    return _with_identity(_parse_form(path, data), BUILTIN_VERSION, form_hash(raw), path)


def builtin_form(family: str, directory: Path | None = None) -> Form:
    """The form file shipped with the program (version ``builtin-1``), never an office's."""
    return _load_file(family, directory)


def load_form(family: str, directory: Path | None = None) -> Form:
    """The form new work uses: the newest form version the office published for *family*
    (installed from the database, :func:`install_published`), else the form file
    ``<forms dir>/<family>.toml``. With *directory*, always that file."""
    if directory is None:
        versions = _PUBLISHED.get(family)
        if versions:
            return versions[-1]
    return _load_file(family, directory)


# ---- published form versions (the office's revised forms) --------------------------------

_PUBLISHED: dict[str, list[Form]] = {}  # family -> published forms, oldest first


def install_published(forms: list[Form]) -> None:
    """Make *forms* (every published version of this database, oldest first) the published
    ones of this process; those installed before (another database) are forgotten."""
    _PUBLISHED.clear()
    for form in forms:
        _PUBLISHED.setdefault(form.family, []).append(form)


def published(family: str) -> list[Form]:
    """The published versions of *family* installed here, oldest first."""
    return list(_PUBLISHED.get(family, ()))


def form_for(family: str, ref: Any = None) -> Form:
    """The form a record was filled against: the version and hash its ``environment.form``
    names when this program holds it (the built-in file or a published version); a record
    without one (made before forms had versions) the form file shipped with the program;
    else the form new work uses (:func:`load_form`). A draft keeps its form after a newer
    one arrives."""
    if ref is None:
        return _load_file(family, None)
    if isinstance(ref, Mapping):
        version, digest = ref.get("version"), ref.get("hash")
        for form in reversed(_PUBLISHED.get(family, ())):
            if form.version == version and form.hash == digest:
                return form
        if version == BUILTIN_VERSION:
            builtin = _load_file(family, None)
            if not digest or builtin.hash == digest:
                return builtin
    return load_form(family)


def load_all_forms(directory: Path | None = None) -> dict[str, Form]:
    """The form of every family the rules engine registers, in display order."""
    return {fam.name: load_form(fam.name, directory) for fam in registry.families()}
