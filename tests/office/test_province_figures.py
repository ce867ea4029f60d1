"""A province's figures count the records received from its city offices too, with their
origin: the statistics tiles, the summary PDF and the period export (both engines)."""

from __future__ import annotations

import json
import subprocess

from province_world import _export

from inspector_app import i18n
from inspector_app.reports.embedded_record import read_embedded_record
from inspector_app.services import province as pv
from inspector_app.services.office_stats import StatsFilter, office_statistics
from inspector_app.services.summary import build_summary
from inspector_app.services.table_export import export_period, read_back

PERIOD = ("2000-01-01", "2099-12-31")


def _received(cities):
    prov = cities["province"]
    for name in cities["cities"]:
        pv.import_city_bundle(prov, _export(cities, name).path)
    verdicts = [
        r[0]
        for r in prov.conn.execute("SELECT verdict FROM province_records ORDER BY inspection_id")
    ]
    return prov, verdicts


def test_statistics_count_the_records_received_with_their_origin(cities):
    prov, verdicts = _received(cities)
    f = StatsFilter(date_from=PERIOD[0], date_to=PERIOD[1])
    stats = office_statistics(prov, f)
    assert stats.totals["inspections"] == 0  # the province made none itself
    got = pv.include_received(stats, prov)
    assert stats.totals["inspections"] == 10 == stats.totals["received"]
    assert stats.totals["passed"] == verdicts.count("pass")
    assert stats.totals["failed"] == verdicts.count("fail")
    assert stats.totals["judged"] == stats.totals["passed"] + stats.totals["failed"]
    assert {o["origin"]: o["inspections"] for o in got["by_origin"]} == {
        name: 5 for name in cities["cities"]
    }
    assert sum(r["inspections"] for r in stats.instruments_by_family) == 10
    assert sum(r["inspections"] for r in stats.by_month) == 10
    # a period without records adds nothing
    empty = office_statistics(prov, StatsFilter(date_from="2001-01-01", date_to="2001-01-31"))
    assert pv.include_received(empty, prov)["totals"]["inspections"] == 0
    assert "received" not in empty.totals and empty.totals["inspections"] == 0


def test_the_statistics_tiles_and_the_export_include_them(qtbot, cities, tmp_path):
    from inspector_app.ui.office.statistics import StatisticsPage

    prov, verdicts = _received(cities)
    page = StatisticsPage(prov)
    qtbot.addWidget(page)
    page.show()
    page.set_period(*PERIOD)
    assert page.tiles["Inspections"].value.text() == "10"
    assert page.tiles["Failed"].value.text() == str(verdicts.count("fail"))
    assert page.tiles["Instruments checked"].value.text() == "10"
    status = page.status.text()
    assert "10" in status and all(name in status for name in cities["cities"])
    # the period export: the province's records follow, each with its origin
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"period.{fmt}"
        assert page.export_list(fmt, str(path)) == 10
        rows = read_back(path)
        assert rows[0][-1] == "origin" and len(rows) == 11
        assert sorted({r[-1] for r in rows[1:]}) == sorted(cities["cities"])
        assert {r[0] for r in rows[1:]} == {
            r[0] for r in prov.conn.execute("SELECT inspection_id FROM province_records")
        }
    # a database that received nothing exports as before (no origin column)
    city = next(iter(cities["cities"].values())).office.store
    plain = tmp_path / "plain.csv"
    export_period(city, plain, "csv", StatsFilter(date_from=PERIOD[0], date_to=PERIOD[1]))
    assert read_back(plain)[0][-1] != "origin"


def test_the_summary_pdf_counts_them_and_names_each_origin(cities, tmp_path):
    prov, verdicts = _received(cities)
    for lang, heading in (("en", "Records received from city offices"), ("zh", "地市局上报的记录")):
        pdf = build_summary(prov, date_from=PERIOD[0], date_to=PERIOD[1], lang=lang)
        content = json.loads(read_embedded_record(pdf))
        assert content["statistics"]["inspections"] == 10
        assert content["statistics"]["failed"] == verdicts.count("fail")
        assert {o["origin"]: o["inspections"] for o in content["received"]} == {
            name: 5 for name in cities["cities"]
        }
        path = tmp_path / f"summary-{lang}.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()
        flat = " ".join(text.split())
        assert heading in flat
        assert all(name in flat for name in cities["cities"])
    i18n.set_language("en")
