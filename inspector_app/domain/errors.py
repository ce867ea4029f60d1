"""Errors raised by the domain layer for invalid input.

Every error names *where* the bad value was found (a JSON-style path such as
``tests[0].points[1].load`` or a field name such as ``premises.name``) and says in one
sentence what is wrong, so the CLI, the window and the bundle reader can all show it at
the right place.
"""

from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """A value from outside (typed, read from JSON, from a bundle) is not acceptable."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message

    def as_json(self) -> dict[str, Any]:
        return {"error": {"path": self.path, "message": self.message}}
