"""The body that issues certificates and notices (检定机构), as printed on every document.

The verification-seal rules (计量检定印、证管理办法 Art. 8) ask for documents signed by the
检定, 核验 and 主管 (approving) staff and stamped by the issuing body; a certificate cover
(JJF 1069-2012, JJF 1002-2010 appendix G) carries the body's name, address, postcode,
phone and its 计量检定机构授权证书号. Only a body authorised to verify may issue a 检定证书;
a market-supervision office that is not gives 检查记录 only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class IssuingBody:
    id: str = "default"
    name_zh: str = ""
    name_en: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    authorisation_no: str = ""  # 计量检定机构授权证书号
    authorised: bool = False  # an authorised verification body (may issue 检定证书)
    cert_prefix: str = ""  # printed before the year in certificate numbers
    minus_one_day: bool = True  # 有效期至 = date + cycle − 1 day
    updated_at: str = ""

    def name(self, lang: str) -> str:
        return (self.name_zh or self.name_en) if lang == "zh" else (self.name_en or self.name_zh)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> IssuingBody:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (data or {}).items() if k in known})
