"""Inspector: offline field inspection for legal metrology."""

from __future__ import annotations

_version: str | None = None


def get_version() -> str:
    """The installed distribution's version (read once, on first use: importing
    ``importlib.metadata`` costs tens of milliseconds at start-up)."""
    global _version
    if _version is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            _version = version("inspector-app")
        except PackageNotFoundError:  # running from a source tree without installation
            _version = "0.0.0+source"
    return _version


def __getattr__(name: str) -> str:
    if name == "__version__":
        return get_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
