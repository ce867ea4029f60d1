"""`inspector-app stats` counts prepackaged batches and retail rechecks (text and JSON)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from inspector_app.cli.main import main
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.services import drafts
from inspector_app.services.inspections import save_and_evaluate
from inspector_app.store import open_database


def seed(db):
    store = open_database(db)
    with store:
        p = store.premises.save(
            Premises(new_id(), "supermarket", "超市", city="合肥市", market="周谷堆市场")
        )
        for ok in (True, True, False):
            ins = store.instruments.save(
                Instrument(
                    new_id(),
                    p.id,
                    "prepackaged",
                    metrology={"producer": "米业甲", "product_kind": "food"},
                )
            )
            insp = drafts.new_draft(store, ins.id, "赵敏")
            test = {
                "kind": "net_content",
                "quantity": "mass",
                "nominal": "500",
                "unit": "g",
                "batch_size": 5,
                "sampling": {"campaign": "专项抽查"},
                "units": [{"net": "500"}] * 4 + [{"net": "500" if ok else "460"}],
            }
            saved = save_and_evaluate(store, dataclasses.replace(insp, tests=[test]), "赵敏")
            store.inspections.finalize(saved.id, "赵敏")
        ins = store.instruments.save(Instrument(new_id(), p.id, "retail_goods", "大华"))
        insp = drafts.new_draft(store, ins.id, "赵敏")
        test = {
            "kind": "short_weight",
            "unit_price": "12",
            "settled_weight": "2",
            "actual_weight": "1.99",
            "recheck": "high_accuracy",
        }
        saved = save_and_evaluate(store, dataclasses.replace(insp, tests=[test]), "赵敏")
        store.inspections.finalize(saved.id, "赵敏")


@pytest.fixture
def db_path(office_db_path):
    """The office database on each engine (SQLite, PostgreSQL)."""
    return office_db_path


def test_stats_json_and_text_count_goods(db_path, capsys):
    seed(db_path)
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    pre = out["goods"]["prepackaged"]
    assert (pre["batches"], pre["passed"], pre["pass_rate"]) == (3, 2, "66.67")
    assert pre["by_campaign"][0]["campaign"] == "专项抽查"
    assert out["goods"]["retail_rechecks"]["by_market"] == [
        {"market": "周谷堆市场", "rechecks": 1, "short": 1, "short_rate": "100.00"}
    ]
    assert out["totals"]["inspections"] == 4  # the office totals are unchanged in shape
    assert main(["--db", str(db_path), "stats"]) == 0
    text = capsys.readouterr().out
    assert "prepackaged batches by producer" in text
    assert "66.67" in text and "米业甲" in text
    assert "short-weight rechecks by market" in text
