"""The desktop window (PySide6). Holds no business logic: buttons call services, tables
show item models, long work runs in :mod:`inspector_app.ui.workers`.

Entry point: :func:`inspector_app.ui.app.run_gui` (``inspector-app`` without a sub-command).
Import PySide6-heavy modules lazily from here; this package file stays empty on purpose.
"""
