"""Imported once by the batch-export fork server: the font and the signing libraries are
loaded there, so every worker process forked from it starts warm."""

from . import inspection_report, signing, verify  # noqa: F401
from .fonts import register_fonts

register_fonts()
import pyhanko.sign.signers  # noqa: E402,F401
