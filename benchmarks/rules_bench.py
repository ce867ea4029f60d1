"""The rules engine alone: realistic inspections of every family judged again, CPU time.

The inspections are the report source's (``services.demo.generate``, seed 2): each is
judged as an imported bundle's record is (``sync.validate.rules``: its family, rule set,
check, the instrument's nameplate data, its tests and the rule data version its stored
result names). A first pass warms the engine's caches and counts the results that differ
from the stored ones (0 expected: the data were judged by the same engine); then every
repetition judges each family's inspections in turn, timed with ``time.process_time`` (the
CPU time of this process, which other work on the machine disturbs less than wall time).

The case reports verdicts per second: in all, and per family (inspections and items). A
ratio to the old engine is not measured here: compare runs of two checkouts instead.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from typing import Any

SELECT = """
SELECT i.family, i.ruleset, i.check_kind, n.accuracy_class, n.metrology_json,
       i.tests_json, i.result_json
FROM inspections i JOIN instruments n ON n.id = i.instrument_id
WHERE i.result_json IS NOT NULL
ORDER BY i.id
"""


def requests(db: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(family, evaluate request, stored result) of every judged inspection in *db*."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(SELECT).fetchall()
    finally:
        con.close()
    out = []
    for family, ruleset, check, cls, metrology, tests, result in rows:
        instrument = json.loads(metrology)
        if cls:
            instrument["accuracy_class"] = cls
        stored = json.loads(result)
        request = {
            "family": family,
            "ruleset": ruleset,
            "check": check,
            "instrument": instrument,
            "tests": json.loads(tests),
            "rule_data": stored.get("rule_data", "builtin-1"),
        }
        out.append((family, request, stored))
    return out


def case_rules(args: dict) -> dict:
    """Judge the inspections of ``args["db"]`` ``args["reps"]`` times; CPU seconds."""
    from inspector_app.domain.rules import evaluate

    data = requests(args["db"])
    by_family: dict[str, list[dict[str, Any]]] = {}
    items: dict[str, int] = {}
    differing = 0
    for family, request, stored in data:  # warm-up, and a check that nothing drifted
        result = evaluate(request)
        differing += result != stored
        by_family.setdefault(family, []).append(request)
        items[family] = items.get(family, 0) + sum(len(t["items"]) for t in result["tests"])
    cpu: dict[str, list[float]] = {name: [] for name in by_family}
    for _ in range(args["reps"]):
        for name, reqs in by_family.items():
            t = time.process_time()
            for request in reqs:
                evaluate(request)
            cpu[name].append(time.process_time() - t)
    families = {}
    for name, reqs in sorted(by_family.items()):
        s = statistics.median(cpu[name])
        families[name] = {
            "inspections": len(reqs),
            "items": items[name],
            "cpu_s": round(s, 4),
            "per_s": round(len(reqs) / s, 1) if s else None,
            "items_per_s": round(items[name] / s, 1) if s else None,
        }
    total = [sum(runs) for runs in zip(*cpu.values(), strict=True)]
    s = statistics.median(total)
    return {
        "inspections": len(data),
        "items": sum(items.values()),
        "differing": differing,
        "cpu_s": s,
        "cpu_s_runs": [round(x, 4) for x in total],
        "per_s": len(data) / s,
        "families": families,
    }


def bench_rules(ctx: Any, run_case: Any) -> dict:
    """The ``rules`` benchmark: the case run in a fresh process on the report source."""
    r = run_case("rules", {"db": str(ctx.source), "reps": ctx.sizes["reps"] + 2}, ctx.home())
    if r["differing"]:
        raise RuntimeError(f"{r['differing']} results differ from the stored ones")
    return {
        "value": r["per_s"],
        "unit": "inspections/s",
        "detail": {
            "inspections": r["inspections"],
            "items": r["items"],
            "cpu_s": round(r["cpu_s"], 4),
            "cpu_s_runs": r["cpu_s_runs"],
            "families": r["families"],
        },
    }
