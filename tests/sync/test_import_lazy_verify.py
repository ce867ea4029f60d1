"""An import of a bundle without report PDFs does not load the PDF verifier
(``reports.verify``, 0.1 s of processor time to load): the *report_pdfs* stage loads it
only for a bundle that carries PDFs (those are verified as before: test_sync_reports)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from inspector_app.crypto import keys
    from inspector_app.services import sync
    from inspector_app.services.demo import generate
    from inspector_app.store import open_database

    work = Path(sys.argv[1])
    src = open_database(work / "src.db")
    generate(src, premises=2, inspections=5, seed=1)
    ident = keys.init_identity(work / "keys", "Inspector", b"passphrase")
    sync.export_bundle(src, ident, work / "b.bundle", all=True)
    dst = open_database(work / "dst.db")
    _ = dst.device_id
    pem = ident.certificate_pem().decode()
    dst.trust.add(ident.fingerprint, ident.name, "inspector", pem, "test")
    report = sync.import_bundle(dst, work / "b.bundle")
    print(json.dumps({
        "status": report.status,
        "new": report.new,
        "verify_loaded": "inspector_app.reports.verify" in sys.modules,
    }))
    """
)


def test_a_bundle_without_reports_is_imported_without_the_pdf_verifier(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == "imported" and got["new"] > 0
    assert got["verify_loaded"] is False
