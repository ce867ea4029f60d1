"""The instrument dialog's fields: those every instrument has, and each family's nameplate
(metrology) fields with their choices; which of them hold numbers (typed full-width by a
Chinese input method, stored in ASCII); the accuracy classes offered per family; and the
plausibility of a scale's class / e / Max, judged live while they are typed."""

from __future__ import annotations

COMMON = (
    ("premises_id", "Premises"),
    ("family", "Family"),
    ("maker", "Maker"),
    ("model", "Model"),
    ("serial", "Serial no."),
    ("pattern_approval", "Pattern approval no."),
    ("accuracy_class", "Class"),
    ("seals", "Seals"),
    ("last_verified", "Last verified"),
    ("next_due", "Next due"),
)
# family -> (key, label, choices | "bool" | None)
# metrology fields that hold a number: what a Chinese input method types there (full-width
# digits, "．", "。", "－") is stored in ASCII; text fields are stored as typed
NUMBER_KEYS = {"max", "min", "e", "d", "qmax", "qmin", "mmq", "range_min", "range_max"}


def number_field_text(text: str) -> str:
    """A number field's text with full-width forms and "。" as ASCII (nothing else changed)."""
    from ..domain.numbers import ascii_digits

    return ascii_digits(text.replace("\u3002", ".").replace("\uff61", "."))


# a prepackaged batch's kind of product (the choice is shown translated)
PRODUCT_KINDS = ("food", "beverage", "daily_chemical", "agricultural", "building", "other")
METROLOGY = {
    "scale": (
        ("max", "Max", None),
        ("min", "Min", None),
        ("e", "e (verification interval)", None),
        ("d", "d (scale interval)", None),
        ("unit", "Unit", ("g", "kg")),
    ),
    "fuel_dispenser": (
        ("fuel", "Fuel", ("gasoline", "diesel", "kerosene")),
        ("qmax", "Qmax (L/min)", None),
        ("qmin", "Qmin (L/min)", None),
        ("mmq", "MMQ (L)", None),
        ("nozzle", "Nozzle no.", None),
    ),
    "focimeter": (
        ("resolution", "Resolution (D)", ("0.01", "0.125", "manual")),
        ("range_min", "Range from (D)", None),
        ("range_max", "Range to (D)", None),
    ),
    "refractometer": (
        ("range_min", "Range from (D)", None),
        ("range_max", "Range to (D)", None),
        ("has_pd", "Measures PD", "bool"),
    ),
    "trial_lens_set": (),
    "pd_meter": (("range_min", "Range from (mm)", None), ("range_max", "Range to (mm)", None)),
    "retail_goods": (),  # the trader's scale; goods and prices are on each recheck
    "prepackaged": (  # the product batch inspected
        ("product", "Product", None),
        ("brand", "Brand", None),
        ("producer", "Producer", None),
        ("producer_credit_code", "Producer's credit code", None),
        ("batch_no", "Batch no.", None),
        ("production_date", "Production date", None),
        ("product_kind", "Kind of product", PRODUCT_KINDS),
    ),
}
CLASS_CHOICES = {"scale": ("III", "IIII", "II", "I"), "fuel_dispenser": ("0.5", "0.3", "1.0")}
ALL_CLASSES = {c for choices in CLASS_CHOICES.values() for c in choices}
TRANSLATED_CHOICES = {"gasoline", "diesel", "kerosene", "manual", *PRODUCT_KINDS}


def implausible_scale(cls: str, max_: str, e: str, unit: str | None) -> list[tuple[str, str]]:
    """A scale's class / e / Max combination judged by the rules engine's ``classification``
    test (OIML R 76-1 Table 3): (field, message) for each implausible part, in the window's
    language; an InputError names a value the engine cannot read."""
    from ..domain.rules import evaluate
    from ..i18n import tr

    payload = {"accuracy_class": cls, "max": max_, "e": e, "unit": unit}
    result = evaluate(
        {
            "family": "scale",
            "check": "initial",
            "instrument": payload,
            "tests": [{"kind": "classification"}],
        }
    )
    out = []
    for item in result["tests"][0]["items"]:
        if item["verdict"] != "fail":
            continue
        label = item["label"]
        if "class" in label:
            where, what = (
                "accuracy_class",
                tr("e = {e} {unit} is not a value class {cls} allows").format(
                    e=e, unit=unit, cls=cls
                ),
            )
        elif "1, 2 or 5" in label:
            where, what = "e", tr("e must be 1, 2 or 5 × 10^k")
        else:
            where, what = (
                "max",
                tr("n = Max/e = {n} is outside the range class {cls} allows").format(
                    n=label.split("=", 1)[-1].strip(), cls=cls
                ),
            )
        message = tr("Implausible: {what}").format(what=what) + (
            f" ({item['rule']})" if item.get("rule") else ""
        )
        out.append((where, message))
    return out
