"""The sync tests' world: a laptop and an office database, identities, enrolled keys, and
helpers to take a bundle apart and put a (hostile) one together again.

Tests import the helpers from here (``from sync_world import ...``), not from ``conftest``:
another folder's conftest module of the same name may be the one already imported when
several folders are collected in one run."""

from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from inspector_app.crypto import keys
from inspector_app.domain.canonical import content_hash
from inspector_app.domain.credit_code import make_credit_code
from inspector_app.domain.models import AttachmentRef, Inspection, Instrument, Premises, new_id
from inspector_app.domain.visits import SweepRow
from inspector_app.services.demo import generate, tiny_png
from inspector_app.services.inspections import save_and_evaluate
from inspector_app.services.review import set_role
from inspector_app.store import open_database

PASS = b"correct horse battery"
PNG = tiny_png(random.Random(5), 4)  # a real 4 x 4 PNG


class Side:
    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.store = open_database(path)
        self.identity = keys.init_identity(path.parent / f"keys-{name}", name, PASS)
        _ = self.store.device_id  # made once, before any fingerprint is taken

    def trust(self, other: Side, kind: str = "inspector") -> None:
        ident = other.identity
        self.store.trust.add(
            ident.fingerprint, ident.name, kind, ident.certificate_pem().decode(), "test"
        )

    def db_bytes(self) -> bytes:
        if self.store.engine == "postgresql":  # no file: every row of every table instead
            return self.store.fingerprint().encode()
        out = b""
        for suffix in ("", "-wal"):
            p = Path(str(self.path) + suffix)
            out += p.read_bytes() if p.exists() else b""
        return out

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def world(tmp_path, office_db_path):
    """Two laptops and an office (on SQLite, then on PostgreSQL), each trusting the others'
    keys as appropriate."""
    (tmp_path / "w").mkdir()
    lap = Side(tmp_path / "w" / "laptop1.db", "Inspector One")
    lap2 = Side(tmp_path / "w" / "laptop2.db", "Inspector Two")
    if office_db_path.name == "inspector.db":  # SQLite: the office file beside the laptops'
        office_db_path = tmp_path / "w" / "office.db"
    office = Side(office_db_path, "County Office")
    set_role(office.store, "supervisor")  # office bundles come from a supervisor's database
    office.trust(lap)
    office.trust(lap2)
    lap.trust(office, "office")
    lap2.trust(office, "office")
    yield {"laptop": lap, "laptop2": lap2, "office": office, "dir": tmp_path / "w"}
    for s in (lap, lap2, office):
        s.close()


def add_inspection_with_photo(
    store, actor: str = "t", *, data: bytes = PNG, mime: str = "image/png", sign=None, tests=None
) -> Inspection:
    """A premises, a scale and a finalized inspection with a PNG attachment (*data*), signed
    with *sign* (``content_hash -> (signature, signer)``) when given."""
    p = store.premises.save(
        Premises(
            new_id(),
            "market_stall",
            "王芳蔬菜摊",
            make_credit_code("92340100MA2TX8K5J"),
            "安徽省合肥市蜀山区长江路88号",
            "合肥市",
            "周谷堆市场",
            "A012",
            "王芳",
            "13855100000",
        ),
        actor,
    )
    i = store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "scale",
            "友声",
            "ACS-15",
            "S1",
            "",
            "III",
            {"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"},
        ),
        actor,
    )
    sha = store.attachments.add(data, actor)
    insp = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=i.id,
        premises_id=p.id,
        family="scale",
        check="in_service",
        ruleset="JJG 539-2016",
        inspector="王检",
        tests=tests
        or [
            {
                "kind": "weighing",
                "points": [
                    {"load": "100", "indication": "100"},
                    {"load": "15000", "indication": "15005"},
                ],
            }
        ],
        attachments=[AttachmentRef(sha, "photo", "铭牌", mime)],
    )
    insp = save_and_evaluate(store, insp, actor)
    return store.inspections.finalize(insp.id, actor, sign=sign)


@pytest.fixture
def loaded(world):
    """Laptop 1 with 12 demo inspections and one with a photo."""
    lap = world["laptop"]
    generate(lap.store, premises=4, inspections=12, seed=7)
    add_inspection_with_photo(lap.store)
    return world


# -- taking bundles apart -----------------------------------------------------------------
def read_entries(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def write_zip(path: Path, items: list, compression=zipfile.ZIP_DEFLATED) -> Path:
    """items: (name or ZipInfo, bytes)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are what some tests want
        with zipfile.ZipFile(path, "w", compression) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return path


def resign(
    items: list[tuple[str, bytes]],
    identity,
    *,
    fix_hashes: bool = True,
    edit=None,
    raw_manifest: bytes | None = None,
    ship_cert: bool = True,
) -> list[tuple[str, bytes]]:
    """Recompute the manifest's entries (and records covered), apply *edit* to the manifest,
    and sign it again with *identity*."""
    entries = dict(items)
    manifest = json.loads(entries["manifest.json"])
    if fix_hashes:
        manifest["entries"] = {
            n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for n, d in items
            if n not in ("manifest.json", "signature.der", "signer.pem")
        }
        if "records/inspections.jsonl" in entries:
            manifest["records"]["inspections"] = [
                [o["id"], o["content_hash"]]
                for o in (
                    json.loads(line)
                    for line in entries["records/inspections.jsonl"].splitlines()
                    if line.strip()
                )
            ]
    if edit is not None:
        edit(manifest)
    data = raw_manifest if raw_manifest is not None else json.dumps(manifest, indent=1).encode()
    out = [(n, d) for n, d in items if n not in ("manifest.json", "signature.der", "signer.pem")]
    out.append(("manifest.json", data))
    out.append(("signature.der", identity.sign(data)))
    if ship_cert:
        out.append(("signer.pem", identity.certificate_pem()))
    return out


def replace_entry(items, name, data):
    return [(n, data if n == name else d) for n, d in items]


def lines(items, name) -> list[dict]:
    return [json.loads(x) for x in dict(items)[name].splitlines() if x.strip()]


def set_lines(items, name, objs) -> list[tuple[str, bytes]]:
    body = b"".join(
        json.dumps(o, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        for o in objs
    )
    return replace_entry(items, name, body)


def rehash_inspection(obj: dict) -> dict:
    """Recompute the content hash of an inspection line after an edit."""
    from inspector_app.domain.models import Finding

    x = Inspection(
        **{k: v for k, v in obj.items() if k not in ("findings", "attachments")},
        findings=[Finding(**f) for f in obj["findings"]],
        attachments=[AttachmentRef(**a) for a in obj["attachments"]],
    )
    return dict(obj, content_hash=content_hash(x))


def zip_bytes(items) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in items:
            zf.writestr(n, d)
    return buf.getvalue()


def identity_signer(identity):
    """What the editor's finalize does with a signing identity: base64 of the signature over
    the content hash's UTF-8 bytes, and the certificate's fingerprint."""
    import base64

    def sign(content_hash: str) -> tuple[str, str]:
        raw = identity.sign(content_hash.encode("utf-8"))
        return base64.b64encode(raw).decode("ascii"), identity.fingerprint

    return sign


def two_sweep_rows(visit_id: str) -> list[SweepRow]:
    """Two sweep rows of *visit_id* as a market sweep records them: one in order with every
    answer, one read with a known weight (a judged quick reading, a note over two lines)."""
    return [
        SweepRow(
            id="row-0",
            visit_id=visit_id,
            seq=0,
            instrument_id="inst-1",
            premises_id="prem-2",
            identity_code="S2018410178",
            label="A005 张国禽蛋摊 · TCS-150",
            mark="yes",
            seal="yes",
            nameplate="yes",
            approval="na",
            cheating="no",
            rest_ok=True,
        ),
        SweepRow(
            id="row-1",
            visit_id=visit_id,
            seq=1,
            label="第二台秤",
            mark="no",
            load="5000",
            indication="5002",
            error="2",
            mpe="5",
            quick_verdict="pass",
            rule="JJG 539-2016",
            note="称盘下有异物\n已清除",
        ),
    ]
