"""Form files: loading, schema validation with clear errors, default test points."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from inspector_app.domain import forms
from inspector_app.domain.errors import InputError
from inspector_app.domain.forms import (
    FormError,
    default_points,
    evaluate_expression,
    forms_dir,
    load_all_forms,
    load_form,
    parse_expression,
)
from inspector_app.domain.rules import family_names, registry

SOURCE_FORMS = Path(__file__).resolve().parents[2] / "forms"
III = {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"}


@pytest.fixture(scope="module")
def all_forms():
    return load_all_forms(SOURCE_FORMS)


def test_every_family_has_a_form_with_every_test_kind(all_forms):
    assert list(all_forms) == family_names()
    for name, form in all_forms.items():
        assert form.family == name
        assert {t.kind for t in form.tests} == set(registry.get(name).tests)


def test_every_label_is_bilingual(all_forms):
    def fields(fs):
        for f in fs:
            yield f
            yield from fields(f.fields)

    for form in all_forms.values():
        labels = [form.label, *form.units.values(), *(q.label for q in form.checklist)]
        for t in form.tests:
            labels.append(t.label)
            labels += [f.label for f in fields(t.fields + t.item_fields)]
        labels += [f.label for f in fields(form.instrument)]
        labels += [c.label for f in fields(form.instrument) for c in f.choices]
        assert all(lab.zh and lab.en for lab in labels)
        assert form.label.get("zh") != form.label.get("en")


@pytest.mark.parametrize(
    "family",
    ["scale", "fuel_dispenser", "focimeter", "refractometer", "trial_lens_set", "pd_meter"],
)
def test_checklists_cover_the_legal_checks(all_forms, family):
    keys = {q.key for q in all_forms[family].checklist}
    assert {"type_approval", "seals", "verification_valid"} <= keys
    assert keys & {"nameplate", "marking"}


def test_cheating_indicators(all_forms):
    scale = {q.key for q in all_forms["scale"].checklist if q.group == "cheating"}
    assert {
        "cheat_keys",
        "remote_control",
        "preset_offset",
        "unit_price_divided",
        "not_zeroing",
        "physical_bias",
        "calibration_tampering",
    } <= scale
    fuel = {q.key for q in all_forms["fuel_dispenser"].checklist if q.group == "cheating"}
    assert {"pulse_equivalent", "mainboard_swapped", "remote_control"} <= fuel
    assert all(q.finding_if == "yes" for q in all_forms["scale"].checklist if q.group == "cheating")


def test_default_points_class_iii(all_forms):
    scale = all_forms["scale"]
    assert default_points(scale.test("weighing"), III) == [
        {"load": Decimal(x)} for x in ("100", "2500", "10000", "15000")
    ]
    assert default_points(scale.test("eccentricity"), III) == [{"load": Decimal(5000)}]
    assert default_points(scale.test("eccentricity"), {**III, "max_additive_tare": "3000"}) == [
        {"load": Decimal(6000)}
    ]
    assert default_points(scale.test("repeatability"), III) == [
        {"load": Decimal(7500)},
        {"load": Decimal(15000)},
    ]
    assert default_points(scale.test("classification"), III) == []


def test_default_points_other_classes_and_limit(all_forms):
    weighing = all_forms["scale"].test("weighing")
    assert default_points(
        weighing, {"accuracy_class": "IIII", "max": "50", "e": "0.05", "unit": "kg"}
    ) == [{"load": Decimal(x)} for x in ("0.5", "2.5", "10", "50")]
    # 2000 e above Max is dropped; Min = 20 e
    assert default_points(
        weighing, {"accuracy_class": "III", "max": "600", "e": "1", "unit": "g"}
    ) == [{"load": Decimal(x)} for x in ("20", "500", "600")]
    assert default_points(
        weighing, {"accuracy_class": "II", "max": "220", "e": "0.01", "unit": "g"}
    ) == [{"load": Decimal(x)} for x in ("0.2", "50", "200", "220")]


def test_default_points_optics_and_fuel(all_forms):
    assert default_points(all_forms["pd_meter"].test("pd"), {}) == [
        {"reference": Decimal(x)} for x in (55, 65, 75)
    ]
    assert default_points(all_forms["fuel_dispenser"].test("mmq"), {"mmq": "5"}) == [
        {"volume": Decimal(5)}
    ]
    with pytest.raises(InputError) as exc:
        default_points(all_forms["fuel_dispenser"].test("mmq"), {})
    assert exc.value.path == "instrument.mmq"
    with pytest.raises(InputError) as exc:
        default_points(all_forms["scale"].test("weighing"), {"accuracy_class": "III"})
    assert exc.value.path == "instrument.max"


def test_default_points_division_by_zero():
    test = forms.FormTest(
        "pd_meter", "pd", forms.Label("a", "b"), point_field="x", points=("1 / (2 - 2)",)
    )
    with pytest.raises(InputError) as exc:
        default_points(test, {})
    assert exc.value.path == "instrument"


def test_form_test_lookup(all_forms):
    with pytest.raises(KeyError):
        all_forms["pd_meter"].test("nope")


# ---- expressions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("500e", 2500),
        ("max", 15000),
        ("(max + tare) / 3", 5000),
        ("0.5 * max", 7500),
        ("-5", -5),
        ("2 * -e", -10),
        ("max - 2 * e", 14990),
        ("-(e)", -5),
        ("  10  ", 10),
        ("1.5e", Decimal("7.5")),
    ],
)
def test_expressions(text, value):
    assert evaluate_expression(
        text, {"max": Decimal(15000), "e": Decimal(5), "tare": Decimal(0)}
    ) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["", "max max", "(1", "(1 2", ")", "1 +", "2 ^ 3", "1 $", "500 e", "*"]
)
def test_bad_expressions(text):
    with pytest.raises(ValueError):
        parse_expression(text)


def test_unknown_name():
    with pytest.raises(KeyError):
        evaluate_expression("foo", {})


# ---- locating the directory ----------------------------------------------------------------------


def test_forms_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECTOR_FORMS_DIR", str(tmp_path))
    assert forms_dir() == tmp_path


def test_forms_dir_source_tree(monkeypatch):
    monkeypatch.delenv("INSPECTOR_FORMS_DIR", raising=False)
    assert forms_dir() == SOURCE_FORMS
    assert load_form("scale").family == "scale"


def test_forms_dir_packaged(monkeypatch, tmp_path):
    monkeypatch.delenv("INSPECTOR_FORMS_DIR", raising=False)
    (tmp_path / "_data" / "forms").mkdir(parents=True)
    monkeypatch.setattr(forms.importlib.resources, "files", lambda pkg: tmp_path)
    assert forms_dir() == tmp_path / "_data" / "forms"


# ---- validation errors ----------------------------------------------------------------------------

BASE = """schema = 1
family = "pd_meter"
label = { zh = "瞳距仪", en = "PD meter" }

[units]
mm = { zh = "毫米", en = "mm" }

[[tests]]
kind = "pd"
label = { zh = "瞳距", en = "PD" }
"""


def load_text(tmp_path, text, name="pd_meter"):
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return load_form(name, tmp_path)


def test_minimal_form_loads(tmp_path):
    form = load_text(tmp_path, BASE)
    assert form.tests[0].kind == "pd" and form.checklist == () and form.instrument == ()


@pytest.mark.parametrize(
    "text, key",
    [
        (BASE.replace("schema = 1", "schema = 2"), "schema"),
        (BASE.replace('family = "pd_meter"', 'family = "scale"'), "family"),
        ("colour = 1\n" + BASE, "colour"),
        (BASE + "colour = 1\n", "tests[0].colour"),
        (BASE.replace('en = "PD meter" }', 'en = "" }'), "label.en"),
        (
            BASE.replace('label = { zh = "瞳距仪", en = "PD meter" }', 'label = { zh = "瞳距仪" }'),
            "label.en",
        ),
        (BASE.replace('label = { zh = "瞳距仪", en = "PD meter" }', 'label = "x"'), "label"),
        (BASE.replace('kind = "pd"', 'kind = "sphere"'), "tests[0].kind"),
        (BASE + '[[tests]]\nkind = "pd"\nlabel = { zh = "a", en = "b" }\n', "tests[1]"),
        (BASE + 'points = ["55"]\n', "tests[0].point_field"),
        (BASE + 'point_field = "reference"\npoints = ["55 +"]\n', "tests[0].points[0]"),
        (BASE + 'point_field = "reference"\npoints = "55"\n', "tests[0].points"),
        (BASE + 'round_to = "("\n', "tests[0].round_to"),
        (BASE + 'list = "items"\n', "tests[0].list"),
        (
            BASE
            + 'item_fields = [{ key = "x", type = "number", label = { zh = "a", en = "b" }, unit = "cm" }]\n'
            'list = "items"\n',
            "tests[0].item_fields[0].unit",
        ),
        (
            BASE + 'fields = [{ key = "x", type = "date", label = { zh = "a", en = "b" } }]\n',
            "tests[0].fields[0].type",
        ),
        (
            BASE + 'fields = [{ key = "x", type = "choice", label = { zh = "a", en = "b" } }]\n',
            "tests[0].fields[0].choices",
        ),
        (
            BASE
            + 'fields = [{ key = "x", type = "text", label = { zh = "a", en = "b" }, choices = [] }]\n',
            "tests[0].fields[0].choices",
        ),
        (
            BASE
            + 'fields = [{ key = "x", type = "choice", label = { zh = "a", en = "b" }, choices = [{ value = "a" }] }]\n',
            "tests[0].fields[0].choices[0].zh",
        ),
        (
            BASE + 'fields = [{ key = "x", type = "object", label = { zh = "a", en = "b" } }]\n',
            "tests[0].fields[0].fields",
        ),
        (
            BASE
            + 'fields = [{ key = "x", type = "text", label = { zh = "a", en = "b" }, fields = [] }]\n',
            "tests[0].fields[0].fields",
        ),
        (
            BASE
            + 'fields = [{ key = "x", type = "text", label = { zh = "a", en = "b" }, required = "no" }]\n',
            "tests[0].fields[0].required",
        ),
        (
            BASE + 'fields = [{ key = "x", type = "text", label = { zh = "a", en = "b" } },'
            ' { key = "x", type = "text", label = { zh = "a", en = "b" } }]\n',
            "tests[0].fields[1]",
        ),
        (BASE + 'fields = "x"\n', "tests[0].fields"),
        (
            BASE + 'fields = [{ type = "text", label = { zh = "a", en = "b" } }]\n',
            "tests[0].fields[0].key",
        ),
        (BASE + "points_cases = 5\n", "tests[0].points_cases"),
        (
            BASE + '[[checklist]]\nkey = "a"\ngroup = "misc"\nlabel = { zh = "a", en = "b" }\n',
            "checklist[0].group",
        ),
        (
            BASE
            + '[[checklist]]\nkey = "a"\ngroup = "legal"\nfinding_if = "maybe"\nlabel = { zh = "a", en = "b" }\n',
            "checklist[0].finding_if",
        ),
        (
            BASE + '[[checklist]]\nkey = "a"\ngroup = "legal"\nlabel = { zh = "a", en = "b" }\n'
            '[[checklist]]\nkey = "a"\ngroup = "legal"\nlabel = { zh = "c", en = "d" }\n',
            "checklist[1]",
        ),
        (BASE + "checklist = 3\n", "tests[0].checklist"),
        (BASE.replace("[units]\nmm", "[units]\nmm = 5\nmx"), "units.mm"),
    ],
)
def test_schema_errors_name_file_and_key(tmp_path, text, key):
    with pytest.raises(FormError) as exc:
        load_text(tmp_path, text)
    assert exc.value.key == key
    assert exc.value.file.endswith("pd_meter.toml")
    assert str(exc.value).startswith(exc.value.file)


def test_checklist_must_be_an_array(tmp_path):
    with pytest.raises(FormError) as exc:
        load_text(tmp_path, "checklist = 3\n" + BASE)
    assert exc.value.key == "checklist"


def test_unregistered_family(tmp_path):
    with pytest.raises(FormError) as exc:
        load_text(tmp_path, BASE.replace('"pd_meter"', '"taximeter"'), name="taximeter")
    assert exc.value.key == "family"


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(FormError) as exc:
        load_form("pd_meter", tmp_path)
    assert "not found" in str(exc.value)
    with pytest.raises(FormError) as exc:
        load_text(tmp_path, "schema = = 1")
    assert "not valid TOML" in exc.value.message and exc.value.key == ""
