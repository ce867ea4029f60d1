"""A form's default points: the small arithmetic of its points expressions ("0.5 * max",
"500e", "(max - min) / 2"), parsed into a tree and evaluated with the instrument's
variables, and the list of default points a new draft starts with.

`inspector_app.domain.forms` re-exports these names; the forms' reader uses
`parse_expression` to refuse a form whose expression does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import fmt
from inspector_app.domain.rules import registry

if TYPE_CHECKING:
    from inspector_app.domain.forms import FormTest

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([a-z_][a-z0-9_]*)|([-+*/()]))")


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """(kind, text, glued) tokens; *glued* marks a name written right after a number (500e)."""
    out: list[tuple[str, str, bool]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"unexpected character at {pos + 1}")
        glued = m.start() == m.start(m.lastindex or 0) and bool(out) and out[-1][0] == "num"
        kind = ("num", "name", "op")[(m.lastindex or 1) - 1]
        out.append((kind, m.group(m.lastindex or 0), glued and kind == "name"))
        pos = m.end()
    return out


def parse_expression(text: str) -> Any:
    """Parse into a tree of ("num", Decimal) | ("var", name) | (op, left, right) | ("neg", x)."""
    tokens = _tokens(text)
    pos = 0

    def peek() -> tuple[str, str, bool] | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> tuple[str, str, bool]:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("unexpected end")
        pos += 1
        return tokens[pos - 1]

    def expr() -> Any:
        node = term()
        while (t := peek()) and t[1] in "+-" and t[0] == "op":
            take()
            node = (t[1], node, term())
        return node

    def term() -> Any:
        node = factor()
        while (t := peek()) and t[1] in "*/" and t[0] == "op":
            take()
            node = (t[1], node, factor())
        return node

    def factor() -> Any:
        kind, value, _ = take()
        if kind == "num":
            node: Any = ("num", Decimal(value))
            nxt = peek()
            if nxt and nxt[2]:  # 500e: a number glued to a name multiplies it
                take()
                node = ("*", node, ("var", nxt[1]))
            return node
        if kind == "name":
            return ("var", value)
        if value == "-":
            return ("neg", factor())
        if value == "(":
            node = expr()
            if take()[1] != ")":
                raise ValueError("expected )")
            return node
        raise ValueError(f"unexpected {value!r}")

    tree = expr()
    if pos != len(tokens):
        raise ValueError(f"unexpected {tokens[pos][1]!r}")
    return tree


def evaluate_expression(text: str, variables: Mapping[str, Decimal]) -> Decimal:
    """Value of a points expression; an unknown name raises KeyError."""

    def ev(node: Any) -> Decimal:
        op = node[0]
        if op == "num":
            number: Decimal = node[1]
            return number
        if op == "var":
            if node[1] not in variables:
                raise KeyError(node[1])
            return variables[node[1]]
        if op == "neg":
            return -ev(node[1])
        left, right = ev(node[1]), ev(node[2])
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if right == 0:
            raise ZeroDivisionError(text)
        return left / right

    return ev(parse_expression(text))


def default_points(form_test: FormTest, instrument: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The test's default points for this instrument, e.g. ``[{"load": Decimal("100")}, …]``.

    The instrument is read by the family's rules module (InputError on bad nameplate data);
    points above ``limit`` and repeated points are dropped.
    """
    if form_test.point_field is None:
        return []
    fam = registry.get(form_test.family)
    assert fam is not None
    variables = fam.variables(fam.parse_instrument(instrument, "instrument"))
    case = instrument.get(form_test.points_by) if form_test.points_by else None
    exprs = (
        form_test.points_cases.get(str(case), form_test.points)
        if case is not None
        else form_test.points
    )

    def value(text: str) -> Decimal:
        try:
            return evaluate_expression(text, variables)
        except KeyError as exc:
            raise InputError(
                f"instrument.{exc.args[0]}", f"is needed for the default point {text!r}"
            ) from None
        except (ZeroDivisionError, InvalidOperation):
            raise InputError(
                "instrument", f"the default point {text!r} cannot be computed"
            ) from None

    step = value(form_test.round_to) if form_test.round_to else None
    limit = value(form_test.limit) if form_test.limit else None
    out: list[dict[str, Any]] = []
    seen: set[Decimal] = set()
    for text in exprs:
        x = value(text)
        if step:
            x = (x / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        x = Decimal(fmt(x))
        if (limit is not None and x > limit) or x in seen:
            continue
        seen.add(x)
        out.append({form_test.point_field: x})
    return out
