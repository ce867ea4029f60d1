"""The families the engine knows. Each rules module registers its :class:`Family` on import;
``inspector_app.domain.rules`` imports every module of the package, so a new family needs
a rules module (and a form file), nothing else.
"""

from __future__ import annotations

from .core import Family

_FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    _FAMILIES[family.name] = family
    return family


def get(name: str) -> Family | None:
    return _FAMILIES.get(name)


def families() -> list[Family]:
    """Registered families in their display order."""
    return sorted(_FAMILIES.values(), key=lambda f: (f.order, f.name))
