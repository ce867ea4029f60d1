"""Pages of the main window, one module each. Today's work, Inspections and Instruments
live here; the Premises, Reference standards, Dashboard and Visits pages are built beside
their editors (:mod:`..premises_editor`, :mod:`..standards_dialog`, :mod:`..dashboard`,
:mod:`..visit_editor`) and the office pages in :mod:`..office`.
"""

# The main window's navigation, in order: (key, title, QStyle.StandardPixmap name). Icons are
# set just after the first paint: creating PySide's QStyle type costs ~12 ms of start-up.
PAGES = (
    ("today", "Today's work", "SP_DesktopIcon"),
    ("inspections", "Inspections", "SP_FileDialogDetailedView"),
    ("premises", "Premises", "SP_DirHomeIcon"),
    ("instruments", "Instruments", "SP_DriveHDIcon"),
    ("standards", "Reference standards", "SP_DialogApplyButton"),
    ("dashboard", "Dashboard", "SP_FileDialogInfoView"),
    ("visits", "Visits", "SP_FileDialogListView"),
)
