"""Accounts: the office grants roles in the certificates its CA issues.

A database that trusts an office (its CA or an office key) takes the office mode and
supervisor actions only from a certificate that carries the role and was issued by a
trusted office CA, valid and not revoked; decisions are checked against the key that signs
them. The refusal is one sentence, in Chinese in the Chinese program.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from office_world import PASS

from inspector_app import i18n
from inspector_app.cli.main import main
from inspector_app.crypto import ca, keys
from inspector_app.paths import keys_dir
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import open_database

P = PASS.encode()


def _pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class Office:
    """An office CA, an office database trusting it with imported field records, and a
    helper that certifies a database's own key with a role."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca_dir = folder / "ca"
        self.ca_cert = ca.init_ca(self.ca_dir, "合肥市市场监督管理局", P)

    def trust_ca(self, store) -> None:
        store.trust.add(ca.fingerprint(self.ca_cert), "office CA", "ca", _pem(self.ca_cert))

    def certify(self, db: Path, name: str, role: str) -> keys.Identity:
        """A key made beside *db*, certified by the CA with *role* (key stays there)."""
        kdir = keys_dir(db)
        own = keys.init_identity(kdir, name, P)
        issued = ca.issue(
            self.ca_dir,
            P,
            csr_pem=keys.make_csr(own),
            role=role,
            name=name,
            registration_no="皖JL-9",
        )
        keys.import_certificate(
            kdir,
            issued.certificate.public_bytes(serialization.Encoding.PEM)
            + self.ca_cert.public_bytes(serialization.Encoding.PEM),
        )
        return keys.load_identity(kdir, P)


def _db_arg(target) -> str:
    """What --db takes: a path, or a PostgreSQL database's full URL."""
    from inspector_app.store.pg import is_postgres_url, url_of

    return url_of(target) if is_postgres_url(target) else str(target)


def _db(folder: Path, name: str) -> Path:
    (folder / name).mkdir(parents=True)
    return folder / name / f"{name}.db"


@pytest.fixture
def world(tmp_path, office_db_path):
    """An office database (trusting its CA and the laptop) that imported the laptop's
    records; the laptop trusts the CA; neither has chosen a role beyond the laptop's."""
    from inspector_app.store.pg import is_postgres_url

    lap_db, off_db = _db(tmp_path, "lap"), _db(tmp_path, "office")
    if is_postgres_url(office_db_path):  # the office on PostgreSQL, its keys and CA locally
        off_db = office_db_path
    office = Office(off_db.parent)  # the CA in ca/ beside the office database, as 'ca init'
    lap, off = open_database(lap_db), open_database(off_db)
    lap_id = office.certify(lap_db, "李明", "inspector")
    office.trust_ca(lap)
    office.trust_ca(off)
    off.trust.add(lap_id.fingerprint, "李明", "certificate", _pem(lap_id.certificate))
    generate(lap, premises=3, inspections=5, seed=5)
    bundle = tmp_path / "field.zip"
    export_bundle(lap, lap_id, bundle, direction="field")
    report = import_bundle(off, bundle, backup=False)
    assert report.status == "imported", report.message()
    yield {"office": office, "lap": lap, "lap_db": lap_db, "off": off, "off_db": off_db}
    lap.close()
    off.close()


@pytest.mark.parametrize(
    ("role", "read_as", "unit"),
    [
        ("viewer", "viewer", False),
        ("inspector", "inspector", False),
        ("supervisor", "supervisor", True),
        ("administrator", "administrator", True),
        ("office", "supervisor", True),  # the older countersigner certificate
    ],
)
def test_certificate_role_round_trip(tmp_path, role, read_as, unit):
    office = Office(tmp_path)
    issued = ca.issue(office.ca_dir, P, name="王芳", registration_no="皖JL-1", role=role)
    cert = keys.load_certificate(issued.certificate.public_bytes(serialization.Encoding.PEM))
    assert ca.certificate_role(cert) == read_as
    assert ca.is_office_certificate(cert) is unit  # only office roles countersign
    assert ca.issued_by(cert, office.ca_cert)
    assert [e["role"] for e in ca.issued(office.ca_dir)] == [role]


def test_a_self_made_certificate_carries_no_role(tmp_path):
    ident = keys.init_identity(tmp_path / "keys", "自己", P)
    assert ca.certificate_role(ident.certificate) is None
    other = Office(tmp_path / "other")
    assert not ca.issued_by(ident.certificate, other.ca_cert)


def test_a_laptop_cannot_switch_itself_to_supervisor(world):
    lap = world["lap"]
    assert rv.under_office(lap)
    grant = rv.office_grant(lap, world["lap_db"])
    assert grant.role == "inspector" and grant.office == "合肥市市场监督管理局 CA"
    with pytest.raises(rv.RoleError) as exc:
        rv.set_role(lap, "supervisor", "李明", db_path=world["lap_db"])
    assert exc.value.message in (
        rv.NOT_AUTHORISED_OFFICE,
        i18n.tr(rv.NOT_AUTHORISED_OFFICE, "zh"),
    )
    assert rv.get_role(lap) == "inspector"
    assert not [r for r in lap.audit_entries(5) if r["action"] == "role.set"]


def test_the_refusal_is_one_chinese_sentence(world):
    lap = world["lap"]
    before = i18n.current_language()
    i18n.set_language("zh")
    try:
        with pytest.raises(rv.RoleError) as exc:
            rv.set_role(lap, "supervisor", db_path=world["lap_db"])
        assert (
            exc.value.message == "本机未获授权使用办公室模式：需要办公室签发的审核员或查阅员证书。"
        )
    finally:
        i18n.set_language(before)


def test_a_supervisor_certificate_from_the_office_allows_review(world):
    off, off_db = world["off"], world["off_db"]
    boss = world["office"].certify(off_db, "张三", "supervisor")
    assert rv.set_role(off, "supervisor", "张三", db_path=off_db) == "supervisor"
    target = rv.queue(off)[0].id
    r = rv.approve(off, target, boss, actor="张三")
    # the review is signed by the logged-in supervisor's key, and verifies
    assert r.signer_fingerprint == boss.fingerprint
    assert rv.verify_review(off, r, off_db).status == "VALID"


def test_a_viewer_reads_but_may_not_decide(world):
    off, off_db = world["off"], world["off_db"]
    viewer = world["office"].certify(off_db, "赵六", "viewer")
    rv.set_role(off, "supervisor", "赵六", db_path=off_db)  # the office mode, read only
    rv.require_supervisor(off, minimum="viewer")
    before = i18n.current_language()
    i18n.set_language("zh")
    try:
        with pytest.raises(rv.RoleError) as exc:
            rv.approve(off, rv.queue(off)[0].id, viewer)
    finally:
        i18n.set_language(before)
    assert exc.value.message == "本机未获授权审核：需要办公室签发的审核员证书。"
    assert off.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_the_signing_key_is_what_counts(world, tmp_path):
    """A supervisor's public certificate copied beside a database does not make its owner's
    own key a supervisor's: the decision is checked against the key that signs it."""
    off, off_db = world["off"], world["off_db"]
    world["office"].certify(off_db, "张三", "supervisor")
    rv.set_role(off, "supervisor", "张三", db_path=off_db)
    impostor = keys.init_identity(tmp_path / "impostor", "张三", P)  # self-made, same name
    with pytest.raises(rv.RoleError):
        rv.approve(off, rv.queue(off)[0].id, impostor)
    untrusted = Office(tmp_path / "other-ca")  # a CA this database does not trust
    kdir = tmp_path / "elsewhere" / "keys"
    own = keys.init_identity(kdir, "钱七", P)
    issued = ca.issue(untrusted.ca_dir, P, csr_pem=keys.make_csr(own), role="supervisor")
    keys.import_certificate(
        kdir,
        issued.certificate.public_bytes(serialization.Encoding.PEM)
        + _pem(untrusted.ca_cert).encode(),
    )
    foreign = keys.load_identity(kdir, P)
    assert rv.certificate_grant(off, foreign.certificate).role is None
    with pytest.raises(rv.RoleError):
        rv.approve(off, rv.queue(off)[0].id, foreign)
    assert off.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_a_revoked_supervisor_is_refused(world):
    off, off_db = world["off"], world["off_db"]
    boss = world["office"].certify(off_db, "张三", "supervisor")
    rv.set_role(off, "supervisor", "张三", db_path=off_db)
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    rev = ca.revoke(world["office"].ca_dir, P, str(boss.certificate.serial_number), since)
    off.trust.revocations.add(rev.issuer_fingerprint, rev.serial, rev.revoked_at, rev.reason)
    grant = rv.certificate_grant(off, boss.certificate)
    assert grant.role is None and "revoked" in grant.problem
    with pytest.raises(rv.RoleError):
        rv.approve(off, rv.queue(off)[0].id, boss)


def test_cli_role_and_ca_issue_with_a_role(world, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    lap_db = world["lap_db"]
    world["lap"].close()
    code = main(["--db", str(lap_db), "role", "supervisor"])
    out, err = capsys.readouterr()
    assert code == 2 and "not authorised for the office mode" in err and err.count("\n") == 1
    # the office issues a viewer certificate for this laptop's key (request → certificate)
    csr = tmp_path / "lap.csr"
    assert main(["--db", str(lap_db), "keys", "csr", "-o", str(csr)]) == 0
    cert = tmp_path / "lap-viewer.pem"
    code = main(
        [
            "--db",
            _db_arg(world["off_db"]),
            "ca",
            "issue",
            "--csr",
            str(csr),
            "--role",
            "viewer",
            "-o",
            str(cert),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert main(["--db", str(lap_db), "keys", "import-cert", str(cert)]) == 0, capsys.readouterr()
    assert main(["--db", str(lap_db), "role", "supervisor"]) == 0
    capsys.readouterr()
    assert main(["--db", str(lap_db), "role", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["role"] == "supervisor" and shown["account"]["role"] == "viewer"
    world["lap"] = open_database(lap_db)


def test_the_window_keeps_the_role_and_says_why(qtbot, world):
    """Settings → role supervisor on a laptop under an office CA: the window stays an
    inspector's and shows the office's refusal in its status bar (no dialog)."""
    from inspector_app.ui import main_window as mw
    from inspector_app.ui import office, settings

    lap = world["lap"]
    win = mw.MainWindow(lap)
    qtbot.addWidget(win)
    mode = office.install(win)
    win.show()
    settings.set_value("role", "supervisor")
    mode.sync_from_settings()
    assert rv.get_role(lap) == "inspector" and mode.role == "inspector"
    assert settings.get("role") == "inspector"
    assert mode.refusal in (rv.NOT_AUTHORISED_OFFICE, i18n.tr(rv.NOT_AUTHORISED_OFFICE, "zh"))
    assert win.statusBar().currentMessage() == mode.refusal
    assert mode.items["review"].isHidden()
    win.close()
