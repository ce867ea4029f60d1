"""The report signature's CMS assembled from the first one's parts is the CMS pyHanko makes:
the same signed attributes, signer, certificates and algorithms, a signature value over those
attributes that verifies, and pyHanko itself wherever the template would not be exact."""

from __future__ import annotations

import asyncio
import hashlib

from asn1crypto import cms
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from inspector_app.reports import cms_template
from inspector_app.reports.signing import _asn1


def make(cls, cert, key, chain):
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return cls(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(chain)
    )


def sign(signer, digest, **kw) -> bytes:
    async def run():
        settings = PdfCMSSignedAttributes()
        return await signer.async_sign(
            digest, "sha256", use_pades=True, signed_attr_settings=settings, **kw
        )

    return asyncio.run(run()).dump()


def parts(der: bytes) -> dict:
    info = cms.ContentInfo.load(der)
    data = info["content"]
    signer = data["signer_infos"][0]
    return {
        "attrs": signer["signed_attrs"].dump(),
        "sid": signer["sid"].dump(),
        "algos": (signer["digest_algorithm"].dump(), signer["signature_algorithm"].dump()),
        "certificates": data["certificates"].dump(),
        "head": (data["version"].dump(), data["digest_algorithms"].dump()),
        "content": data["encap_content_info"].dump(),
        "unsigned": signer["unsigned_attrs"].native,
        "signature": signer["signature"].native,
    }


def test_assembled_cms_equals_pyhankos_but_for_the_signature_value(identity):
    cert, key, chain = _asn1(identity)
    plain = make(signers.SimpleSigner, cert, key, chain)
    fast = make(cms_template.template_signer_class(), cert, key, chain)
    for n in range(3):
        digest = hashlib.sha256(b"document %d" % n).digest()
        ours, theirs = parts(sign(fast, digest)), parts(sign(plain, digest))
        signature = ours.pop("signature")
        theirs.pop("signature")
        assert ours == theirs
        assert digest in ours["attrs"]
        signed = b"\x31" + ours["attrs"][1:]
        identity.certificate.public_key().verify(signature, signed, ec.ECDSA(hashes.SHA256()))
    assert list(fast._templates.values()) != [None]  # the template was used


def test_template_reassembles_pyhankos_bytes_exactly(identity):
    cert, key, chain = _asn1(identity)
    plain = make(signers.SimpleSigner, cert, key, chain)
    der = sign(plain, cms_template.MARKER)
    template = cms_template.template_of(der, cms_template.MARKER, "sha256")
    assert template is not None
    signature = cms.ContentInfo.load(der)["content"]["signer_infos"][0]["signature"].native
    assert template.assemble(cms_template.MARKER, signature) == der


def test_no_template_when_it_would_not_be_exact(identity):
    cert, key, chain = _asn1(identity)
    plain = make(signers.SimpleSigner, cert, key, chain)
    der = sign(plain, cms_template.MARKER)
    # made for another digest: the marker is not found
    assert cms_template.template_of(der, b"\x00" * 32, "sha256") is None
    # not a CMS at all
    assert cms_template.template_of(b"\x30\x03\x02\x01\x01", cms_template.MARKER, "sha256") is None
    # a signing-time attribute (it changes with every signature) is not templated
    timed = make(signers.SimpleSigner, cert, key, chain)

    async def with_time():
        import datetime as dt

        settings = PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC))
        return await timed.async_sign(
            cms_template.MARKER, "sha256", use_pades=False, signed_attr_settings=settings
        )

    assert (
        cms_template.template_of(asyncio.run(with_time()).dump(), cms_template.MARKER, "sha256")
        is None
    )


def test_a_dry_run_goes_through_pyhanko(identity):
    cert, key, chain = _asn1(identity)
    fast = make(cms_template.template_signer_class(), cert, key, chain)
    digest = hashlib.sha256(b"x").digest()
    sign(fast, digest, dry_run=True)
    assert not getattr(fast, "_templates", {})  # no template made for a dry run


def test_der_lengths():
    assert cms_template.tlv(0x04, b"a" * 5) == b"\x04\x05" + b"a" * 5
    assert cms_template.tlv(0x04, b"a" * 200)[:3] == b"\x04\x81\xc8"
    assert cms_template.tlv(0x30, b"a" * 300)[:4] == b"\x30\x82\x01\x2c"
