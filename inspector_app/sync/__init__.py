"""Sync bundles: the format, the writer, the checking reader, record validation and merge rules.

See ``docs/bundle-format.md``. Nothing here touches SQL (that lives in ``store/sync/``) or Qt.
"""
