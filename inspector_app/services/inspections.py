"""Inspection use-cases: evaluate readings with the rules engine and keep the draft current."""

from __future__ import annotations

import dataclasses

from ..domain.models import Inspection, Instrument


def instrument_payload(ins: Instrument) -> dict:
    """The ``instrument`` object of an evaluate request, from the nameplate data."""
    payload = dict(ins.metrology)
    if ins.accuracy_class:
        payload["accuracy_class"] = ins.accuracy_class
    return payload


def evaluation_request(insp: Inspection, ins: Instrument) -> dict:
    return {
        "family": insp.family,
        "ruleset": insp.ruleset,
        "check": insp.check,
        "instrument": instrument_payload(ins),
        "tests": insp.tests,
    }


def evaluate_inspection(insp: Inspection, ins: Instrument) -> Inspection:
    """A copy of *insp* with ``result`` and ``verdict`` from the rules engine.

    An incomplete or invalid reading raises InputError naming the field (``tests[0]...``).
    """
    from ..domain.rules import evaluate

    result = evaluate(evaluation_request(insp, ins))
    return dataclasses.replace(insp, result=result, verdict=result["verdict"])


def save_and_evaluate(store, insp: Inspection, actor: str = "") -> Inspection:
    ins = store.instruments.get(insp.instrument_id)
    if ins is None:
        from ..domain.errors import InputError

        raise InputError("inspection.instrument_id", "the instrument does not exist")
    if insp.tests:
        insp = evaluate_inspection(insp, ins)
    return store.inspections.save_draft(insp, actor)
