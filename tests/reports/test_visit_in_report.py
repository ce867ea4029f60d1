"""An inspection's report names the visit it belongs to: kind and day, the officers with
their enforcement certificate numbers, the campaign, the visit's number; in zh and en."""

from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader

from inspector_app.domain.visits import Officer
from inspector_app.services import campaigns as cs
from inspector_app.services import visits as vs
from inspector_app.services.reports import build_report


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")


def test_the_report_names_the_visit(store, samples):
    insp = samples.scale
    r = vs.repo(store)
    visit = r.require(r.visit_of(insp.id))
    c = cs.new_campaign(store, "集贸市场专项", "2026-01-01", "2026-12-31")
    r.save(
        dataclasses.replace(
            visit,
            kind="campaign",
            campaign_id=c.id,
            officers=[Officer("李建国", "34010001"), Officer("张伟", "34010002")],
        ),
        "test",
    )
    zh = _text(build_report(store, insp.id, "zh").pdf)
    zh = zh.replace(" ", "")  # a wrapped line puts a space inside a Chinese word
    assert "现场检查" in zh
    assert f"专项检查{visit.day}" in zh
    assert "李建国（执法证34010001）" in zh and "张伟（执法证34010002）" in zh
    assert "专项：集贸市场专项" in zh and f"编号{visit.id[:8]}" in zh
    en = _text(build_report(store, insp.id, "en").pdf)
    assert f"Special campaign {visit.day}" in en
    assert "李建国 (cert. 34010001)" in en and "campaign: 集贸市场" in en
