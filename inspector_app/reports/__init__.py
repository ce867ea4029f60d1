"""PDF reports: the inspection report, the period summary, PAdES signing and verification.

No Qt here (tests/test_layers.py): charts for print are drawn with reportlab graphics.
"""
