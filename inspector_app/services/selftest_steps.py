"""The self-test's first steps (see :mod:`.selftest`): the platform and its glibc, a
temporary database through every migration, the office server's driver, the shipped
resources, the rules engine on a known scale reading, and a record saved and finalized;
with what every step shares (:class:`Context`, :class:`SelfTestError`).
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ACTOR = "self-test"


# the platform plugin a desktop session needs, per OS (offscreen alone cannot show a window)
NATIVE_PLATFORM_PLUGIN = {
    "linux": "libqxcb.so",
    "win32": "qwindows.dll",
    "darwin": "libqcocoa.dylib",
}


class SelfTestError(Exception):
    """A step ran but its result was wrong; the message is one sentence."""


@dataclass
class Context:
    """What the steps share: the temporary folder and what earlier steps made."""

    folder: Path
    db_path: Path
    store: Any = None
    instrument: Any = None
    inspection: Any = None
    identity: Any = None
    pdf: bytes = b""
    extra: dict = field(default_factory=dict)


def running_glibc() -> str | None:
    """The C library this process runs on, e.g. ``2.36``; None when it is not glibc."""
    try:
        name, _, version = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
    except (AttributeError, ValueError, OSError):
        return None
    return version if name == "glibc" and version else None


def build_info() -> dict:
    """What a frozen build recorded about itself (``build-info.json``, written by
    packaging/desktop.py); empty when running from source."""
    import json

    base = getattr(sys, "_MEIPASS", None)
    if not base:
        return {}
    try:
        return json.loads((Path(base) / "build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def step_platform(ctx: Context) -> str:
    frozen = getattr(sys, "frozen", False)
    if not sys.platform.startswith("linux"):
        return f"{platform.system()} {platform.release()} {platform.machine()}"
    running = running_glibc()
    needed = build_info().get("glibc")
    if frozen and not needed:
        raise SelfTestError("this build does not record the glibc it needs (build-info.json)")
    if needed and running is None:
        raise SelfTestError(f"this build needs glibc {needed} or newer; this system has none")
    if needed and _version_key(running or "0") < _version_key(needed):
        raise SelfTestError(
            f"this build needs glibc {needed} or newer; this system has glibc {running}"
        )
    if needed:
        return f"glibc {running}; this build needs {needed} or newer"
    return f"glibc {running or 'none'}; from source, so no build floor"


def step_database(ctx: Context) -> str:
    from ..store import open_database
    from ..store.integrity import check
    from ..store.migrations import SCHEMA_VERSION, current_version

    ctx.store = open_database(ctx.db_path)
    version = current_version(ctx.store.conn)
    if version != SCHEMA_VERSION:
        raise SelfTestError(
            f"the new database is at schema version {version}, expected {SCHEMA_VERSION}"
        )
    problems = check(ctx.store)
    if problems:
        raise SelfTestError(
            f"the integrity check found {len(problems)} problem(s), first: {problems[0]}"
        )
    return f"new database, migrations 1-{SCHEMA_VERSION} applied, integrity ok"


#: a ``postgresql://`` URL here makes the ``postgres`` step connect to that office server
POSTGRES_ENV = "INSPECTOR_SELFTEST_POSTGRES"


def step_postgres(ctx: Context) -> str:
    """psycopg and its compiled part (``psycopg_binary``: the C module and the libpq it
    ships) load; with a URL in :data:`POSTGRES_ENV`, the server answers and its database
    is one this program can use."""
    import psycopg

    impl = psycopg.pq.__impl__
    if impl not in ("binary", "c"):
        raise SelfTestError(
            f"psycopg runs on its pure-Python fallback ({impl}): its compiled part "
            "(psycopg_binary, with libpq) is missing from this installation"
        )
    libpq = psycopg.pq.version()
    detail = f"psycopg {psycopg.__version__} ({impl}), libpq {libpq // 10000}.{libpq % 10000}"
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        return detail + f"; no server checked ({POSTGRES_ENV} not set)"
    from ..store.pg import PostgresTarget, is_postgres_url
    from ..store.pg.probe import probe

    if not is_postgres_url(url):
        raise SelfTestError(f"{POSTGRES_ENV} is not a postgresql:// URL")
    shown = str(PostgresTarget(url))  # without its password
    result = probe(url, timeout=10)
    if not result.ok:
        raise SelfTestError(
            f"the office server {shown} cannot be used ({result.kind}"
            + (f": {result.detail}" if result.detail else "")
            + ")"
        )
    schema = f"schema {result.version}" if result.version else "an empty database"
    return detail + f"; connected to {shown}, {schema}"


def step_resources(ctx: Context) -> str:
    from ..domain.forms import forms_dir, load_form
    from ..domain.rules import family_names
    from ..paths import resource_path

    families = family_names()
    if not families:
        raise SelfTestError(
            "the rules engine registered no instrument family (rules modules not found)"
        )
    for family in families:
        load_form(family)  # FormError names the file and key
    for parts in (
        ("resources", "fonts", "wqy-microhei.ttc"),
        ("resources", "icons", "inspector-app.png"),
    ):
        path = resource_path(*parts)
        if not path.is_file() or path.stat().st_size == 0:
            raise SelfTestError(f"the shipped file {'/'.join(parts)} is missing (looked at {path})")
    return f"{len(families)} families with forms ({forms_dir()}), font and icon present"


SCALE = {"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g", "accuracy_class": "III"}


SCALE_TESTS = [
    {
        "kind": "weighing",
        "zero": {"load": "0", "indication": "0", "added": "2"},
        "points": [
            {"load": "100", "indication": "100", "added": "2.5"},
            {"load": "2500", "indication": "2505", "added": "4"},
        ],
    },
]


# what JJG 539-2016 gives for those readings: (label, error, MPE, verdict)
SCALE_EXPECTED = [("100 g", "-0.5", "2.5", "pass"), ("2500 g", "3", "2.5", "fail")]


def step_rules(ctx: Context) -> str:
    from ..domain.rules import evaluate

    result = evaluate(
        {
            "family": "scale",
            "ruleset": "JJG 539-2016",
            "check": "subsequent",
            "instrument": SCALE,
            "tests": SCALE_TESTS,
        }
    )
    got = [
        (i["label"], i["error"], i["mpe"], i["verdict"])
        for t in result["tests"]
        for i in t["items"]
    ]
    want = [(label, Decimal(e), Decimal(m), v) for label, e, m, v in SCALE_EXPECTED]
    if [(label, Decimal(e), Decimal(m), v) for label, e, m, v in got] != want or result[
        "verdict"
    ] != "fail":
        raise SelfTestError(f"the rules engine judged a known scale reading wrongly: {got}")
    return "scale JJG 539-2016: 100 g error -0.5 g pass, 2500 g error 3 g > MPE 2.5 g fail"


def step_record(ctx: Context) -> str:
    from ..domain.credit_code import make_credit_code
    from ..domain.models import Inspection, Instrument, Premises, new_id
    from .inspections import save_and_evaluate

    store = ctx.store
    premises = store.premises.save(
        Premises(
            new_id(),
            "market_stall",
            "自检示例摊位 (self-test)",
            make_credit_code("92340100MA2TX8K5J"),
            "安徽省合肥市示例路1号",
            "合肥市",
        ),
        ACTOR,
    )
    metrology = {k: v for k, v in SCALE.items() if k != "accuracy_class"}
    ctx.instrument = store.instruments.save(
        Instrument(
            new_id(),
            premises.id,
            "scale",
            "示例衡器厂",
            "ST-15",
            "SELFTEST-1",
            "",
            "III",
            metrology,
        ),
        ACTOR,
    )
    tests = [
        {
            "kind": "weighing",
            "zero": {"load": "0", "indication": "0", "added": "2.5"},
            "points": [
                {"load": "100", "indication": "100", "added": "2.5"},
                {"load": "5000", "indication": "5005", "added": "5"},
                {"load": "15000", "indication": "15000", "added": "2"},
            ],
        }
    ]
    draft = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=ctx.instrument.id,
        premises_id=premises.id,
        family="scale",
        check="subsequent",
        ruleset="JJG 539-2016",
        inspector="自检 Self Test",
        started_at="2026-01-15T09:30",
        place="自检 self-test",
        tests=tests,
    )
    saved = save_and_evaluate(store, draft, ACTOR)
    if saved.verdict != "pass":
        raise SelfTestError(
            f"the demo inspection should pass but was judged {saved.verdict!r}: {saved.result}"
        )
    ctx.inspection = store.inspections.finalize(saved.id, ACTOR)
    if not ctx.inspection.content_hash:
        raise SelfTestError("the finalized inspection has no content hash")
    return f"inspection {ctx.inspection.id[:8]} evaluated (pass) and finalized"
