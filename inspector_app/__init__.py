"""Inspector: offline field inspection for legal metrology."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inspector-app")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
