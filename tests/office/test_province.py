"""Province roll-up: two city offices send their approved records; the province keeps each
with its origin and counts them by province, city, county and origin."""

from __future__ import annotations

import json
import zipfile

import pytest
from province_world import _export

from inspector_app import i18n
from inspector_app.cli.main import main
from inspector_app.crypto import keys
from inspector_app.domain.errors import InputError
from inspector_app.services import province as pv
from inspector_app.store import open_database


def test_city_bundles_roll_up_with_their_origin(cities):
    prov = cities["province"]
    results = {}
    for name in cities["cities"]:
        exp = _export(cities, name)
        assert exp.records == 5 and exp.office["name"] == name
        assert pv.is_province_bundle(exp.path)
        results[name] = pv.import_city_bundle(prov, exp.path, actor="省局")
        assert results[name].new == 5 and results[name].held == 0 and results[name].new_origin
    # every record keeps its origin
    by_office = dict(
        prov.conn.execute(
            "SELECT o.name, count(*) FROM province_records r"
            " JOIN province_origins o ON o.office_id = r.office_id GROUP BY o.name"
        ).fetchall()
    )
    assert by_office == {name: 5 for name in cities["cities"]}
    assert {o["name"]: o["records"] for o in pv.origins(prov)} == by_office
    # the records are the sealed ones: the kept canonical record hashes to the content hash
    import hashlib

    for record_json, content_hash in prov.conn.execute(
        "SELECT record_json, content_hash FROM province_records"
    ):
        assert hashlib.sha256(record_json.encode("utf-8")).hexdigest() == content_hash
    # statistics by origin, province, city and county add up to the 10 records
    by_origin = pv.statistics_by(prov, "origin")
    assert {r["origin"]: r["inspections"] for r in by_origin} == by_office
    for level in ("province", "city", "county"):
        rows = pv.statistics_by(prov, level)
        assert sum(r["inspections"] for r in rows) == 10, level
        assert all(r["judged"] == r["passed"] + r["failed"] for r in rows)
    provinces = pv.statistics_by(prov, "province")
    assert [r["province"] for r in provinces] == ["安徽省"]
    counties = pv.statistics_by(prov, "county")
    assert all(r["county"].endswith(("区", "县")) for r in counties), counties
    # importing a bundle again keeps nothing twice; one audit entry per import
    name = next(iter(cities["cities"]))
    again = pv.import_city_bundle(prov, _export(cities, name).path)
    assert again.new == 0 and again.held == 5 and not again.new_origin
    assert prov.conn.execute("SELECT count(*) FROM province_records").fetchone()[0] == 10
    assert (
        prov.conn.execute("SELECT count(*) FROM audit WHERE action = 'province.import'").fetchone()[
            0
        ]
        == 3
    )


def test_a_city_office_counts_its_own_records_by_county_and_origin(cities):
    city = next(iter(cities["cities"].values())).office.store
    heads = city.conn.execute(
        "SELECT count(*) FROM inspections WHERE status = 'finalized' AND superseded_by IS NULL"
    ).fetchone()[0]
    counties = pv.statistics_by(city, "county")
    assert sum(r["inspections"] for r in counties) == heads > 0
    assert all(r["county"] for r in counties)
    # the origin of an imported inspection is the laptop whose signed bundle brought it
    assert [r["origin"] for r in pv.statistics_by(city, "origin")] == ["李明"]
    # the demo's premises have their county recorded (read from the address)
    laptop = next(iter(cities["cities"].values())).laptop.store
    assert laptop.conn.execute("SELECT count(*) FROM premises").fetchone()[0] > 0
    assert laptop.conn.execute("SELECT count(*) FROM premises WHERE county = ''").fetchone()[0] == 0


def test_only_approved_records_travel(cities):
    name = next(iter(cities["cities"]))
    world = cities["cities"][name]
    exp = _export(cities, name)
    with zipfile.ZipFile(exp.path) as z:
        lines = [json.loads(x) for x in z.read("records.jsonl").splitlines()]
    approved = {
        r[0]
        for r in world.office.store.conn.execute(
            "SELECT inspection_id FROM review_decisions WHERE decision = 'approved'"
        )
    }
    assert {r["inspection_id"] for r in lines} == approved and len(approved) == 5
    assert all(r["decision"] == "approved" and r["county"] for r in lines)


def test_a_changed_record_or_an_unknown_signer_is_refused(cities, tmp_path):
    prov = cities["province"]
    name = next(iter(cities["cities"]))
    exp = _export(cities, name)
    before = prov.fingerprint()
    # a record changed after sealing (the file's hash fixed up, the signature kept)
    with zipfile.ZipFile(exp.path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    lines = entries["records.jsonl"].splitlines()
    rec = json.loads(lines[0])
    rec["record"] = (
        rec["record"]
        .replace('"verdict":"fail"', '"verdict":"pass"')
        .replace('"inspector":"', '"inspector":"X')
    )
    lines[0] = json.dumps(rec, ensure_ascii=False, sort_keys=True).encode("utf-8")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as z:
        for n, data in entries.items():
            z.writestr(n, b"\n".join(lines) + b"\n" if n == "records.jsonl" else data)
    with pytest.raises(InputError, match="records.jsonl"):
        pv.import_city_bundle(prov, tampered)
    # a bundle from an office the province does not trust
    stranger = keys.init_identity(tmp_path / "stranger", "冒充者", b"correct horse battery")
    world = cities["cities"][name]
    other = tmp_path / "stranger.zip"
    pv.export_to_province(world.office.store, stranger, other, office_name="冒充市局")
    with pytest.raises(InputError, match="not trusted"):
        pv.import_city_bundle(prov, other)
    assert prov.fingerprint() == before  # nothing kept


def test_cli_export_import_and_stats_by(cities, capsys, monkeypatch):
    from office_world import PASS

    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    prov_db = cities["province_db"]
    cities["province"].close()
    for name, world in cities["cities"].items():
        out = cities["dir"] / f"cli-{world.office.store.device_id[:8]}.zip"
        world.office.store.close()
        code = main(
            [
                "--db",
                str(world.office.path),
                "bundle",
                "export",
                "--to-province",
                "--office-name",
                name,
                "-o",
                str(out),
            ]
        )
        text = capsys.readouterr()
        assert code == 0, text.err
        world.office.store = open_database(world.office.path)
        code = main(["--db", str(prov_db), "bundle", "import", str(out), "--json"])
        text = capsys.readouterr()
        assert code == 0, text.err
        assert json.loads(text.out)["new"] == 5
    for level in ("county", "city", "origin", "province"):
        assert main(["--db", str(prov_db), "stats", "--by", level, "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["rows"]
        assert sum(r["inspections"] for r in rows) == 10
    assert main(["--db", str(prov_db), "stats", "--by", "origin"]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in cities["cities"])
    cities["province"] = open_database(prov_db)


def test_statistics_page_shows_inspections_by_place(qtbot, cities):
    from inspector_app.ui.office.statistics import StatisticsPage

    prov = cities["province"]
    for name in cities["cities"]:
        pv.import_city_bundle(prov, _export(cities, name).path)
    page = StatisticsPage(prov)
    qtbot.addWidget(page)
    page.show()
    page.set_period("2000-01-01", "2099-12-31")
    table, by = page.places, page.places_by
    assert by.currentData() == "county"
    counties = pv.statistics_by(prov, "county", "2000-01-01", "2099-12-31")
    assert table.rowCount() == len(counties) > 0
    total = sum(int(table.item(i, 2).text()) for i in range(table.rowCount()))
    assert total == 10
    by.setCurrentIndex(by.findData("origin"))
    assert table.rowCount() == 2
    assert {table.item(i, 0).text() for i in range(2)} == set(cities["cities"])
    assert [int(table.item(i, 1).text()) for i in range(2)] == [5, 5]
    before = i18n.current_language()
    try:
        i18n.set_language("zh")
        page.retranslate()
        assert table.horizontalHeaderItem(0).text() == "来源"
        assert by.currentText() == "来源"
    finally:
        i18n.set_language(before)
