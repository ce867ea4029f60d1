"""The report's QR code is the same with reportlab's generator polynomials remembered."""

from __future__ import annotations

from reportlab.graphics.barcode.qrencoder import QRUtil

from inspector_app.reports import layout


def test_remembered_polynomials_give_the_same_code(monkeypatch):
    texts = ["JCJL-20251120-19BA6206 " + "ab" * 32, "JDZS-20260101-00000000-R2 " + "0" * 64]
    remembered = [layout.QrCode(t, 80).modules for t in texts]
    cached = QRUtil.getErrorCorrectPolynomial
    assert cached.cache_info().hits > 0
    monkeypatch.setattr(QRUtil, "getErrorCorrectPolynomial", staticmethod(cached.__wrapped__))
    monkeypatch.setattr(layout, "_keep_qr_polynomials", lambda: None)
    computed = [layout.QrCode(t, 80).modules for t in texts]
    assert remembered == computed
    assert all(len(m) >= 21 for m in computed)
