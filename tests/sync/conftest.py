"""The sync tests' fixtures, defined with their helpers in ``sync_world``."""

from sync_world import loaded, world

__all__ = ["loaded", "world"]
