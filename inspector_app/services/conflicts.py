"""Conflicts for a person to decide: a record changed on both sides since the last
exchange, shown field by field (here / incoming) and resolved by keeping one side; the
decision is audited by :func:`inspector_app.services.sync.resolve_conflict`."""

from __future__ import annotations

from dataclasses import dataclass

from .sync import list_conflicts, resolve_conflict


@dataclass
class FieldRow:
    field: str
    local: str
    incoming: str

    @property
    def differs(self) -> bool:
        return self.local != self.incoming


def _flatten(value, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        if not value and prefix:
            out[prefix] = "{}"
        for k in sorted(value):
            _flatten(value[k], f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list):
        if not value and prefix:
            out[prefix] = "[]"
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
    else:
        out[prefix or "value"] = "" if value is None else str(value)


def _record_of(side) -> dict | None:
    if side is None:
        return None
    if isinstance(side, dict) and "data" in side and "versions" in side:
        return side["data"]  # a mutable record as it travels: {"data": ..., "versions": [...]}
    return side


def conflict_fields(conflict, *, only_differences: bool = False) -> list[FieldRow]:
    """A conflict (``services.sync`` ConflictRow) as rows of (field, here, incoming)."""
    d = conflict.as_dict()
    local, incoming = _record_of(d["local"]), _record_of(d["incoming"])
    left: dict[str, str] = {}
    right: dict[str, str] = {}
    if local is not None:
        _flatten(local, "", left)
    _flatten(incoming, "", right)
    keys = list(dict.fromkeys([*right, *left]))
    rows = [FieldRow(k, left.get(k, "—" if local is None else ""), right.get(k, "")) for k in keys]
    return [r for r in rows if r.differs] if only_differences else rows


def conflict_title(conflict) -> str:
    d = conflict.as_dict()
    rec = _record_of(d["incoming"]) or {}
    name = (
        rec.get("name") or rec.get("serial") or rec.get("started_at") or rec.get("entity_id") or ""
    )
    return f"{conflict.entity} {str(name)[:40]}".strip()


def resolve(store, conflict_id: str, keep: str, actor: str = "") -> str:
    """Decide a conflict (audited by ``services.sync.resolve_conflict``)."""
    return resolve_conflict(store, conflict_id, keep, actor=actor)


def open_conflicts(store) -> list:
    return list_conflicts(store)
