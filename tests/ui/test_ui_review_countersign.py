"""The office review panel and the inspector's signed PDF that came with the record: the
PDF line says it is signed by the inspector (valid), and the verifier (核验员) countersigns
it with one button before approval (批准), which adds the approver's signature."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector_app import i18n
from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.reports.verify import verify_pdf
from inspector_app.services import report_files
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.services.reports import make_report
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.services.verify import trusted_certificates
from inspector_app.store import open_database
from inspector_app.ui.office import dialogs
from inspector_app.ui.office.review_panel import IdentityCache, ReviewPanel

PASS = b"correct horse battery"


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def office(tmp_path, monkeypatch):
    (tmp_path / "lap").mkdir()
    (tmp_path / "office").mkdir()
    lap_db, office_db = tmp_path / "lap" / "lap.db", tmp_path / "office" / "office.db"
    lap, off = open_database(lap_db), open_database(office_db)
    generate(lap, premises=2, inspections=2, seed=11)
    insp = lap.inspections.list(limit=1)[0]
    inspector = keys.init_identity(keys_dir(lap_db), insp.inspector, PASS)
    boss = keys.init_identity(keys_dir(office_db), "刘洋", PASS, office=True)
    off.trust.add(
        inspector.fingerprint, inspector.name, "inspector", inspector.certificate_pem().decode()
    )
    rv.set_role(off, "supervisor")
    signed = make_report(lap, insp.id, "zh", identity=inspector)  # kept on the laptop
    bundle = export_bundle(lap, inspector, tmp_path / "field.zip").path
    report = import_bundle(off, bundle, backup=False)
    assert report.status == "imported" and report.reports == {"new": 1}, report.rejection
    monkeypatch.setattr(dialogs, "ask_passphrase", lambda parent, prompt="": PASS)
    yield {"store": off, "db": office_db, "insp": insp, "signed": signed, "boss": boss}
    lap.close()
    off.close()


@pytest.fixture
def panel(qtbot, office):
    p = ReviewPanel(office["store"], IdentityCache(office["db"]))
    qtbot.addWidget(p)
    p.show()
    p.show_inspection(office["insp"].id)
    return p


def test_the_kept_pdf_is_shown_as_signed_by_the_inspector(panel, office):
    text = panel.values["pdf"].text()
    assert "Signed by the inspector (valid)" in text and office["insp"].inspector in text
    assert "Countersigned" not in text
    assert panel.countersign_button.isEnabled() and panel.countersign_button.isVisible()
    # in Chinese, as the users see it
    i18n.set_language("zh")
    assert "已由检定员签名 (有效)" in panel.values["pdf"].text()
    assert "核验员" in panel.countersign_button.text()


def test_the_verifier_countersigns_then_approval_adds_the_approver(qtbot, panel, office):
    store, insp = office["store"], office["insp"]
    qtbot.mouseClick(panel.countersign_button, Qt.MouseButton.LeftButton)
    kept = report_files.kept_pdf(store, insp.id)
    assert kept.startswith(office["signed"]) and len(kept) > len(office["signed"])
    result = verify_pdf(kept, trusted_certificates(store, office["db"]))
    assert result.status == "VALID", result.reason
    assert [s.field for s in result.signatures] == ["InspectorSignature", "VerifierSignature"]
    text = panel.values["pdf"].text()
    assert "Signed by the inspector (valid)" in text and "Countersigned by verifier 刘洋" in text
    assert not panel.countersign_button.isEnabled()  # one verifier signature
    assert "countersigned by the verifier" in panel.message.text()
    # 批准: the approval adds the approver's signature to the same file
    panel.confirm_approve = lambda insp: True
    with qtbot.waitSignal(panel.decided):
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    kept = report_files.kept_pdf(store, insp.id)
    result = verify_pdf(kept, trusted_certificates(store, office["db"]))
    assert result.status == "VALID", result.reason
    assert [s.field for s in result.signatures][-1] == "ApproverSignature"
    assert "verifier 刘洋, approver 刘洋" in panel.values["pdf"].text()
    assert not panel.countersign_button.isEnabled()


def test_no_countersign_without_the_inspectors_kept_pdf(qtbot, office):
    store, insp = office["store"], office["insp"]
    report_files.kept_path(store, insp.id).unlink()
    p = ReviewPanel(store, IdentityCache(office["db"]))
    qtbot.addWidget(p)
    p.show_inspection(insp.id)
    assert "Signed by the inspector" not in p.values["pdf"].text()
    assert not p.countersign_button.isEnabled()
    assert p.countersign_as_verifier() is False
    # a kept PDF that was changed after signing: the verdict, no countersign button
    report_files.kept_path(store, insp.id).write_bytes(office["signed"] + b"\n%junk\n")
    p.show_inspection(insp.id)
    assert "MODIFIED" in p.values["pdf"].text() or "modified" in p.values["pdf"].text().lower()
    assert not p.countersign_button.isEnabled()
