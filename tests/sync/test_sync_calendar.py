"""The working-day calendar travels in office bundles: an office that adds a year sends it to
its laptops, signed by the office key at export; a laptop keeps it only from a trusted office
key and only when it is newer than the one in force there."""

from __future__ import annotations

import base64
import datetime as dt
import json

from sync_world import lines, read_entries, resign, set_lines, write_zip

from inspector_app.domain import deadlines as dd
from inspector_app.services import case_deadlines
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync.cases import calendar_payload

NAME = "records/calendars.jsonl"
NEW_YEAR_2027 = dt.date(2027, 1, 1)  # a Friday


def _with_2027() -> str:
    """The shipped file with a newer version that publishes 2027's New Year holiday."""
    shipped = dd.calendar_path().read_text(encoding="utf-8")
    newer = shipped.replace('version = "', 'version = "9', 1).replace(
        'year = 2027\nstatus = "unknown"', 'year = 2027\nstatus = "published"'
    )
    newer = newer.replace(
        "holidays = []\nworkdays = []", 'holidays = [["2027-01-01", "2027-01-01"]]\nworkdays = []'
    )
    assert newer != shipped and dd.parse_calendar(newer).year_known(2027)
    return newer


def _office_bundle(world, name):
    o = world["office"]
    return export_bundle(o.store, o.identity, world["dir"] / name, direction="office")


def test_the_office_calendar_reaches_the_laptop_and_its_deadlines(world):
    lap, office = world["laptop"], world["office"]
    assert not case_deadlines.work_calendar(lap.store).year_known(2027)
    # nothing installed at the office: no calendar line is sent
    plain = _office_bundle(world, "o0.zip")
    assert plain.counts.get("calendars", 0) == 0
    newer = case_deadlines.install_calendar(office.store, _with_2027(), "科长")
    o1 = _office_bundle(world, "o1.zip")
    assert o1.counts["calendars"] == 1
    (line,) = lines(read_entries(o1.path), NAME)
    assert line["version"] == newer.version and line["signer_cert"].startswith("-----BEGIN")
    report = import_bundle(lap.store, o1.path)
    assert report.status == "imported", report.message()
    cal = case_deadlines.work_calendar(lap.store)
    assert cal.version == newer.version and cal.year_known(2027)
    assert not cal.is_workday(NEW_YEAR_2027)
    # the next office bundle carries the same version: nothing changes on the laptop
    report = import_bundle(lap.store, _office_bundle(world, "o2.zip").path)
    assert report.status == "imported", report.message()
    assert report.tables.get("calendars") == {"unchanged": 1}
    assert case_deadlines.work_calendar(lap.store).version == newer.version


def test_a_calendar_not_signed_by_a_trusted_office_key_is_refused(world):
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    case_deadlines.install_calendar(office.store, _with_2027(), "科长")
    items = read_entries(_office_bundle(world, "o.zip").path)
    (line,) = lines(items, NAME)
    # laptop 2's inspector signs the calendar (a valid signature, but not an office key)
    forged = {**line, "created_by": "Inspector Two"}
    forged["signature"] = (
        f"v1:{lap2.identity.fingerprint}:"
        + base64.b64encode(lap2.identity.sign(calendar_payload(forged))).decode()
    )
    forged["signer_cert"] = lap2.identity.certificate_pem().decode()
    lap.trust(lap2)  # trusted, but as an inspector
    before = lap.store.fingerprint()
    bad = write_zip(
        world["dir"] / "bad.zip", resign(set_lines(items, NAME, [forged]), office.identity)
    )
    report = import_bundle(lap.store, bad)
    assert report.status == "rejected"
    msg = report.message()
    assert "calendar.signature" in msg and "not as an office key" in msg, msg
    assert lap.store.fingerprint() == before
    assert not case_deadlines.work_calendar(lap.store).year_known(2027)
    # a changed text under the office's signature does not verify
    tampered = {**line, "text": line["text"] + "\n# edited\n"}
    bad2 = write_zip(
        world["dir"] / "bad2.zip", resign(set_lines(items, NAME, [tampered]), office.identity)
    )
    report = import_bundle(lap.store, bad2)
    assert report.status == "rejected"
    assert "does not match the calendar's text and version" in report.message()
    assert not case_deadlines.work_calendar(lap.store).year_known(2027)


def test_a_field_bundle_cannot_carry_a_calendar(world):
    lap, office = world["laptop"], world["office"]
    case_deadlines.install_calendar(office.store, _with_2027(), "科长")
    (line,) = lines(read_entries(_office_bundle(world, "o.zip").path), NAME)
    from sync_world import add_inspection_with_photo

    add_inspection_with_photo(lap.store)
    f = export_bundle(lap.store, lap.identity, world["dir"] / "f.zip", direction="field")
    body = json.dumps(line, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    items = [*read_entries(f.path), (NAME, body)]
    bad = write_zip(world["dir"] / "f-bad.zip", resign(items, lap.identity))
    report = import_bundle(office.store, bad)
    assert report.status == "rejected"
    assert "records/calendars.jsonl" in report.message()
    assert "cannot travel" in report.message(), report.message()
