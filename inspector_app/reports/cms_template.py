"""The CMS of a report signature, assembled from the DER pyHanko made for the first one.

A PAdES B-B signature by one identity differs from the next only in the document digest
(inside the signed attributes) and the signature value: the content type, the certificate,
the signer's identifier, the algorithms and the signing-certificate attribute are the same
every time. pyHanko builds the whole CMS with asn1crypto for each signature, about a
quarter of a report's signing time, so :class:`TemplateSigner` lets pyHanko build the first
one, keeps its parts as DER, and for each later signature puts the new digest into the
signed attributes, signs them (pyHanko's ``async_sign_raw``) and wraps the parts again.

The template is used only when it is exact: reassembled with the first signature's own digest
and signature value it must give pyHanko's bytes back, and its signed attributes must be
the three that do not depend on the time (content type, message digest, signing
certificate v2), with no unsigned attributes. Anything else (a timestamp, a dry run, other
attributes or algorithms) goes through pyHanko unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

# the signed attributes a template may hold: none of them depends on the time of signing
FIXED_ATTRIBUTES = {"content_type", "message_digest", "signing_certificate_v2"}


def tlv(tag: int, body: bytes) -> bytes:
    """One DER element: *tag*, the definite length of *body*, *body*."""
    n = len(body)
    if n < 0x80:
        return bytes((tag, n)) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(size))) + size + body


@dataclass(frozen=True)
class Template:
    digest_algorithm: str
    attrs_head: bytes  # the signed attributes (SET OF, as signed) before the digest
    attrs_tail: bytes  # ... and after it
    signer_head: bytes  # SignerInfo: version, sid, digest algorithm
    signature_algorithm: bytes  # SignerInfo: the signature algorithm
    data_head: bytes  # SignedData: version, digest algorithms, content info, certificates
    content_type: bytes  # ContentInfo: the signed-data OID

    def signed_attributes(self, digest: bytes) -> bytes:
        return self.attrs_head + digest + self.attrs_tail

    def assemble(self, digest: bytes, signature: bytes) -> bytes:
        """The ContentInfo's DER for *digest* signed with *signature*."""
        attrs = self.signed_attributes(digest)
        signer = tlv(
            0x30,
            self.signer_head
            + b"\xa0"  # [0] IMPLICIT: the same SET OF, retagged
            + attrs[1:]
            + self.signature_algorithm
            + tlv(0x04, signature),
        )
        data = tlv(0x30, self.data_head + tlv(0x31, signer))
        return tlv(0x30, self.content_type + tlv(0xA0, data))


MARKER = hashlib.sha256(b"inspector: the digest's place in the signed attributes").digest()


def template_of(der: bytes, marker: bytes, digest_algorithm: str) -> Template | None:
    """The template of pyHanko's CMS *der*, made for the digest *marker*; None unless it
    reassembles to exactly *der*."""
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(der)
        data = info["content"]
        if info["content_type"].native != "signed_data" or len(data["signer_infos"]) != 1:
            return None
        signer = data["signer_infos"][0]
        if signer["unsigned_attrs"].native is not None:
            return None
        attrs = signer["signed_attrs"]
        if {a["type"].native for a in attrs} != FIXED_ATTRIBUTES or len(attrs) != 3:
            return None
        signed = b"\x31" + attrs.dump()[1:]  # as it was signed: the SET OF, untagged
        if signed.count(marker) != 1:
            return None
        head, _, tail = signed.partition(marker)
        template = Template(
            digest_algorithm=digest_algorithm,
            attrs_head=head,
            attrs_tail=tail,
            signer_head=b"".join(signer[k].dump() for k in ("version", "sid", "digest_algorithm")),
            signature_algorithm=signer["signature_algorithm"].dump(),
            data_head=b"".join(
                data[k].dump()
                for k in ("version", "digest_algorithms", "encap_content_info", "certificates")
            )
            + data["crls"].dump(),
            content_type=info["content_type"].dump(),
        )
        if template.assemble(marker, signer["signature"].native) != der:
            return None
        return template
    except Exception:  # anything unexpected: pyHanko signs as it always does
        return None


def template_signer_class() -> type:
    from asn1crypto import cms
    from pyhanko.sign import signers

    class TemplateSigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner whose CMS after the first is assembled from that first
        one's parts (see the module's text)."""

        _templates: dict[tuple[str, bool, bool, bool], Template | None]

        async def async_sign(
            self,
            data_digest: bytes,
            digest_algorithm: str,
            dry_run: bool = False,
            use_pades: bool = False,
            timestamper: Any = None,
            signed_attr_settings: Any = None,
            is_pdf_sig: bool = True,
            encap_content_info: Any = None,
        ) -> cms.ContentInfo:
            settings = signed_attr_settings
            plain = (
                not dry_run
                and timestamper is None
                and encap_content_info is None
                and len(data_digest) == len(MARKER)
                and digest_algorithm.lower() == "sha256"
                and getattr(settings, "cades_signed_attrs", None) is None
                and getattr(settings, "adobe_revinfo_attr", None) is None
            )
            timed = getattr(settings, "signing_time", None) is not None
            key = (digest_algorithm.lower(), use_pades, is_pdf_sig, timed)
            templates = self.__dict__.setdefault("_templates", {})
            if plain and key not in templates:
                first = await super().async_sign(
                    MARKER,
                    digest_algorithm,
                    use_pades=use_pades,
                    signed_attr_settings=signed_attr_settings,
                    is_pdf_sig=is_pdf_sig,
                )
                templates[key] = template_of(first.dump(), MARKER, key[0])
            template = templates.get(key) if plain else None
            if template is None:
                return await super().async_sign(
                    data_digest,
                    digest_algorithm,
                    dry_run=dry_run,
                    use_pades=use_pades,
                    timestamper=timestamper,
                    signed_attr_settings=signed_attr_settings,
                    is_pdf_sig=is_pdf_sig,
                    encap_content_info=encap_content_info,
                )
            signature = await self.async_sign_raw(
                template.signed_attributes(data_digest), template.digest_algorithm
            )
            return cms.ContentInfo.load(template.assemble(data_digest, signature))

    return TemplateSigner
