"""Pages of the main window, one module each. Today's work and Inspections live here;
the Premises, Instruments, Reference standards, Dashboard and Visits pages are built beside
their editors (:mod:`..premises_editor`, :mod:`..instrument_editor`, :mod:`..standards_dialog`,
:mod:`..dashboard`, :mod:`..visit_editor`) and the office pages in :mod:`..office`.
"""
