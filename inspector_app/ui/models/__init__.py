"""Item models for the window's tables (one module per kind of record).

- :mod:`.inspections` — :class:`InspectionTableModel`, a windowed cache over
  ``store.inspections.list/count`` (100,000 rows stay smooth; only visited pages are held);
- :mod:`.records` — :class:`PremisesTableModel`, :class:`InstrumentTableModel` (rows grow with
  ``fetchMore``);
- :mod:`.standards` — :class:`StandardsTableModel` (expiry shown as text and colour).

All database reads run on a :class:`~inspector_app.ui.workers.StoreReader` thread.
"""
