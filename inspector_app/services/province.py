"""The province roll-up: a city office sends its approved records to the province, the
province keeps each with its origin, and statistics group by province, city, county and
origin.

* :func:`export_to_province` (a city office, supervisor): every approved newest revision
  (approved here) with where it was made and the canonical record whose SHA-256 is its
  content hash, in a bundle signed with the supervisor's identity
  (:mod:`inspector_app.sync.province` describes the file).
* :func:`import_city_bundle` (the province): checks the file, the records' hashes and the
  signature (the signer's certificate must be trusted here: the certificate itself, or an
  office CA that issued it), then keeps the records in one audited write; a record held
  already is counted, never doubled; the same inspection with other content is refused
  by name and nothing is kept.
* :func:`statistics_by` groups this database's own inspections and the records received
  from city offices by province, city, county or origin. A premises' county is the one
  recorded on it, else read from its address.

No Qt; the SQL is in :mod:`inspector_app.store.province`.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..domain.canonical import canonical_bytes, inspection_content
from ..domain.errors import InputError
from ..domain.places import county_of
from ..store.province import check_level, province_repo
from ..sync.province import is_province_bundle, read_province_bundle, write_province_bundle
from .office_stats import percent

__all__ = [
    "CityImport",
    "ProvinceExport",
    "county_of",
    "export_to_province",
    "fill_counties",
    "import_city_bundle",
    "is_province_bundle",
    "origins",
    "province_of",
    "statistics_by",
]

LOCAL_ORIGIN = "local"


# -- places -------------------------------------------------------------------------------------
def province_of(address: str) -> str:
    """The province (省/自治区, or a municipality 北京市/上海市/天津市/重庆市) an address
    starts with; "" when it names none."""
    text = (address or "").strip()
    m = re.match(r"^(.{2,10}?(?:省|自治区))", text)
    if m:
        return m.group(1)
    m = re.match(r"^(北京市|上海市|天津市|重庆市)", text)
    return m.group(1) if m else ""


def fill_counties(store, actor: str = "") -> int:
    """Record the county of every premises that has none, read from its address (one
    audited write); returns how many were filled."""
    repo = province_repo(store)
    found = [
        (pid, county)
        for pid, address, city in repo.premises_without_county()
        if (county := county_of(address or "", city or ""))
    ]
    if found:
        with store.write(actor, "premises.county", "premises", "", {"filled": len(found)}):
            repo.set_counties(found)
    return len(found)


# -- the city office: export ---------------------------------------------------------------------
@dataclass
class ProvinceExport:
    path: str
    bundle_id: str
    records: int
    size: int
    office: dict

    def as_dict(self) -> dict:
        return asdict(self)


def _most_common(values: list[str]) -> str:
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else ""


def export_to_province(
    store,
    identity,
    out_path,
    *,
    office_name: str = "",
    city: str = "",
    province: str = "",
    date_from: str | None = None,
    date_to: str | None = None,
    actor: str = "",
) -> ProvinceExport:
    """Write the office-to-province bundle of every approved record (audited). The office's
    name defaults to the organisation in the signing certificate, the city and province to
    those most of the records name."""
    from ..crypto.keys import organization_of
    from .roles import require_supervisor

    require_supervisor(store, identity)
    if identity is None:
        raise InputError("identity", "a province bundle is signed: unlock your signing key first")
    repo = province_repo(store)
    rows = repo.approved_heads(date_from, date_to)
    if not rows:
        raise InputError("records", "no approved records to send to the province")
    records = []
    for r in rows:
        insp = store.inspections.require(r[0])
        content = canonical_bytes(inspection_content(insp))
        address = r[13] or ""
        records.append(
            {
                "inspection_id": r[0],
                "record_id": r[1],
                "revision": r[2],
                "started_at": r[3],
                "family": r[4],
                "check_kind": r[5] or "",
                "verdict": r[6],
                "inspector": r[7] or "",
                "premises_name": r[8] or "",
                "premises_kind": r[9] or "",
                "city": r[10] or "",
                "county": county_of(address, r[10] or "", r[11] or ""),
                "market": r[12] or "",
                "address": address,
                "province": province or province_of(address),
                "decision": r[14],
                "reviewer": r[15] or "",
                "reviewed_at": r[16] or "",
                "cheating": bool(r[17]),
                "content_hash": r[18],
                "record": content.decode("utf-8"),
            }
        )
    office = {
        "id": store.device_id,
        "name": (office_name or organization_of(identity.certificate) or identity.name).strip(),
        "city": city or _most_common([x["city"] for x in records]),
        "province": province or _most_common([x["province"] for x in records]),
    }
    bundle_id = str(uuid.uuid4())
    manifest = {
        "bundle_id": bundle_id,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "office": office,
    }
    out_path = Path(out_path)
    size = write_province_bundle(
        out_path, manifest, records, identity.sign, identity.certificate_pem()
    )
    with store.write(
        actor or identity.name,
        "province.export",
        "bundle",
        bundle_id,
        {"records": len(records), "file": out_path.name},
    ):
        pass
    return ProvinceExport(str(out_path), bundle_id, len(records), size, office)


# -- the province: import ------------------------------------------------------------------------
@dataclass
class CityImport:
    bundle_id: str
    office: dict
    new: int = 0
    held: int = 0
    new_origin: bool = False
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _trusted_signer(store, pem: bytes) -> tuple:
    """(name, certificate, validity problem or None) of a signer whose certificate is
    trusted here (itself, or issued by a trusted office CA); InputError otherwise."""
    from ..crypto.ca import issued_by
    from ..crypto.keys import common_name, fingerprint, load_certificate, validity_problem
    from .roles import office_cas

    try:
        cert = load_certificate(pem)
    except Exception:  # noqa: BLE001 - a damaged certificate in a file from outside
        raise InputError("manifest.json.signer_cert", "is not a certificate") from None
    trusted = {k.fingerprint for k in store.trust.list()}
    if fingerprint(cert) not in trusted and not any(
        issued_by(cert, ca_cert) for ca_cert in office_cas(store)
    ):
        raise InputError(
            "signature",
            f"the bundle is signed by {common_name(cert)}, whose certificate is not trusted "
            "here; trust the city office's certificate or its CA first",
        )
    return common_name(cert), cert, validity_problem(cert)


def import_city_bundle(store, path, *, actor: str = "") -> CityImport:
    """Keep a city office's approved records with their origin (one audited write)."""
    from ..crypto.keys import verify_signature
    from .roles import get_role

    if get_role(store) != "supervisor":
        raise InputError("role", "a province keeps city records in an office (supervisor) database")
    bundle = read_province_bundle(path)
    name, cert, problem = _trusted_signer(store, bundle.signer_pem)
    if not verify_signature(cert, bundle.manifest_bytes, bundle.signature):
        raise InputError("signature.der", "the signature does not match the bundle's manifest")
    if problem:
        raise InputError("signature", problem)
    office = bundle.manifest["office"]
    repo = province_repo(store)
    result = CityImport(bundle.manifest["bundle_id"], office)
    with store.write(
        actor,
        "province.import",
        "bundle",
        result.bundle_id,
        {"office": office["id"], "name": office["name"], "records": len(bundle.records)},
    ) as seq:
        held = repo.held_hashes([r["inspection_id"] for r in bundle.records])
        for r in bundle.records:
            before = held.get(r["inspection_id"])
            if before is not None and (before[0] != r["content_hash"] or before[1] != office["id"]):
                result.refused.append(r["inspection_id"])
        if result.refused:
            raise InputError(
                "records",
                f"inspection {result.refused[0]} is held here with other content or from "
                "another office; nothing was kept",
            )
        # the first name an office gave stays its origin's name (a rename is the same office)
        result.new_origin = repo.add_origin(office, name, seq)
        for r in bundle.records:
            row = dict(
                r,
                office_id=office["id"],
                record_json=r["record"],
                cheating=1 if r["cheating"] else 0,
                bundle_id=result.bundle_id,
                change_seq=seq,
            )
            if repo.add_record(row):
                result.new += 1
            else:
                result.held += 1
    return result


def received_count(store, date_from: str | None = None, date_to: str | None = None) -> int:
    """How many records (newest revisions) received from city offices the period holds."""
    return len(province_repo(store).received_rows(date_from, date_to))


def origins(store) -> list[dict]:
    """The city offices this database holds records from, with their record counts."""
    return province_repo(store).origins()


# -- statistics ----------------------------------------------------------------------------------
def statistics_by(
    store,
    by: str,
    date_from: str | None = None,
    date_to: str | None = None,
    *,
    local_name: Callable[[str], str] | None = None,
) -> list[dict]:
    """Inspections, judged, passed, failed and the pass rate per *by* (province, city,
    county or origin), over this database's own finalized newest revisions and the records
    received from city offices. Rows are sorted by their key; a county row also names its
    city, a city row its province."""
    check_level(by)
    repo = province_repo(store)
    names = repo.origin_names()
    groups: dict[tuple, dict] = {}

    fields = {
        "province": ("province",),
        "city": ("province", "city"),
        "county": ("province", "city", "county"),
        "origin": ("origin",),
    }[by]

    def add(province: str, city: str, county: str, origin: str, verdict: str | None) -> None:
        values = {"province": province, "city": city, "county": county, "origin": origin}
        key = tuple(values[f] for f in fields)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {f: values[f] for f in fields}
            g.update(inspections=0, judged=0, passed=0, failed=0)
        g["inspections"] += 1
        if verdict in ("pass", "fail"):
            g["judged"] += 1
            g["passed" if verdict == "pass" else "failed"] += 1

    here = local_name("local") if local_name else "local"
    for city, county, address, origin, verdict in repo.local_rows(date_from, date_to):
        label = here if origin == LOCAL_ORIGIN else names.get(origin, origin)
        add(
            province_of(address or ""),
            city or "",
            county_of(address or "", city or "", county or ""),
            label,
            verdict,
        )
    for province, city, county, address, office, verdict in repo.received_rows(date_from, date_to):
        add(
            province or province_of(address or ""),
            city or "",
            county or county_of(address or "", city or ""),
            office,
            verdict,
        )
    out = []
    for key in sorted(groups):
        g = groups[key]
        g["pass_rate"] = percent(g["passed"], g["judged"])
        out.append(g)
    return out


# -- records received from city offices in the office's figures ----------------------------------
def received_figures(
    store,
    date_from: str | None = None,
    date_to: str | None = None,
    city: str | None = None,
    market: str | None = None,
) -> dict:
    """What a province holds from its city offices for a period: totals, per origin (the
    office's name), per family and per month (newest revision of each record). Empty
    totals (inspections 0) on a database that received nothing."""
    repo = province_repo(store)
    keys = ("inspections", "premises", "records", "judged", "passed", "failed", "cheating")
    by_origin = [
        {"origin": name, **dict(zip(keys, values, strict=True))}
        for name, *values in repo.received_totals(date_from, date_to, city, market)
    ]
    totals = {k: sum(o[k] for o in by_origin) for k in keys}
    rows = ("inspections", "passed", "failed", "cheating")
    by_family = [
        {"family": fam, **dict(zip(rows, v, strict=True))}
        for fam, *v in repo.received_by("family", date_from, date_to, city, market)
    ]
    by_month = [
        {"month": mo, **dict(zip(rows, v, strict=True))}
        for mo, *v in repo.received_by("month", date_from, date_to, city, market)
    ]
    return {"totals": totals, "by_origin": by_origin, "by_family": by_family, "by_month": by_month}


def include_received(stats, store) -> dict:
    """Add the records received from city offices to an
    :class:`~inspector_app.services.office_stats.OfficeStats` (the statistics tiles, the
    family and month figures); returns :func:`received_figures` (``by_origin`` names where
    they came from). A received record counts as one instrument checked (the roll-up
    carries no instrument identity) and its premises by name and address."""
    f = stats.filter
    got = received_figures(store, f.date_from, f.date_to, f.city, getattr(f, "market", None))
    t = got["totals"]
    if not t["inspections"]:
        return got
    for key in ("inspections", "premises", "judged", "passed", "failed", "cheating"):
        stats.totals[key] += t[key]
    stats.totals["instruments"] += t["records"]
    stats.totals["received"] = t["inspections"]
    families = {r["family"]: r for r in stats.instruments_by_family}
    for r in got["by_family"]:
        row = families.get(r["family"])
        if row is None:
            row = families[r["family"]] = {
                "family": r["family"],
                "instruments": 0,
                "inspections": 0,
                "passed": 0,
                "failed": 0,
            }
            stats.instruments_by_family.append(row)
        row["instruments"] += r["inspections"]
        for key in ("inspections", "passed", "failed"):
            row[key] += r[key]
        row["pass_rate"] = percent(row["passed"], row["passed"] + row["failed"])
    stats.instruments_by_family.sort(key=lambda r: (-r["instruments"], r["family"]))
    months = {r["month"]: r for r in stats.by_month}
    for r in got["by_month"]:
        row = months.get(r["month"])
        if row is None:
            row = months[r["month"]] = {
                "month": r["month"],
                "inspections": 0,
                "passed": 0,
                "failed": 0,
                "cheating": 0,
            }
            stats.by_month.append(row)
        for key in ("inspections", "passed", "failed", "cheating"):
            row[key] += r[key]
        row["pass_rate"] = percent(row["passed"], row["passed"] + row["failed"])
    stats.by_month.sort(key=lambda r: r["month"])
    return got


def include_received_in_summary(stats, f, store) -> list[dict]:
    """Add the records received from city offices to a period summary's
    :class:`~inspector_app.store.reports.SummaryStats` (headline numbers, families, months);
    not for a one-premises summary. Returns the per-origin rows (empty when none)."""
    if getattr(f, "premises_id", None):
        return []
    got = received_figures(store, f.date_from, f.date_to, f.city, f.market)
    t = got["totals"]
    if not t["inspections"]:
        return []
    from ..store.reports import FamilyRow

    stats.premises += t["premises"]
    stats.instruments += t["records"]
    stats.inspections += t["inspections"]
    stats.passed += t["passed"]
    stats.failed += t["failed"]
    stats.cheating += t["cheating"]
    families = {r.family: r for r in stats.by_family}
    for r in got["by_family"]:
        row = families.get(r["family"])
        if row is None:
            row = families[r["family"]] = FamilyRow(r["family"], 0, 0, 0, 0)
            stats.by_family.append(row)
        row.inspections += r["inspections"]
        row.passed += r["passed"]
        row.failed += r["failed"]
        row.cheating += r["cheating"]
    stats.by_family.sort(key=lambda r: (-r.inspections, r.family))
    months = {m: [n, fl] for m, n, fl in stats.by_month}
    for r in got["by_month"]:
        months.setdefault(r["month"], [0, 0])
        months[r["month"]][0] += r["inspections"]
        months[r["month"]][1] += r["failed"]
    stats.by_month = [(m, n, fl) for m, (n, fl) in sorted(months.items())]
    return got["by_origin"]


def received_table_rows(store, f, visit_columns: int) -> list[list]:
    """The records received from city offices under a statistics filter, in the period
    export's columns (no instrument or visit: the roll-up does not carry them), each ending
    with its origin (the city office's name)."""
    rows = province_repo(store).received_records(
        f.date_from, f.date_to, f.city, getattr(f, "market", None)
    )
    out = []
    for r in rows:
        (iid, record_id, revision, started, family, check, verdict, inspector) = r[:8]
        premises, market, city, origin = r[8], r[13], r[11], r[20]
        out.append(
            [
                iid,
                record_id,
                revision,
                started,
                family,
                check,
                verdict or "",
                "finalized",
                inspector,
                premises,
                market,
                city,
                "",
                *([""] * visit_columns),
                origin,
            ]
        )
    return out
