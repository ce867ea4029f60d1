"""Places read from a Chinese address: the county or district (区/县/旗) a premises lies in.

Pure text handling, shared by the campaign progress (services.campaigns), the province
roll-up (services.province) and the work list on the Today page.
"""

from __future__ import annotations

import re

__all__ = ["county_of"]

_PROVINCE_PREFIX = re.compile(r"^.*?(?:省|自治区)")
_CITY_PREFIX = re.compile(r"^[^市区县]{1,12}?市")
_COUNTY = re.compile(r"([^省市区县路街道号]{1,10}?(?:区|县|旗))")


def county_of(address: str, city: str = "", recorded: str = "") -> str:
    """The county or district (区/县/旗) of a premises: the one *recorded* on it, else read
    from its *address* after the *city* ("安徽省合肥市蜀山区长江路" → "蜀山区"); without the
    city in the address, after a leading province and city; "" when the address names none."""
    if recorded:
        return recorded
    text = address or ""
    if city and city in text:
        text = text.split(city, 1)[1]
    else:
        text = _PROVINCE_PREFIX.sub("", text)
        text = _CITY_PREFIX.sub("", text)
    m = _COUNTY.match(text)
    return m.group(1) if m else ""
