"""Sync bundles: the format (``format``, ``manifest``, ``jsonlines``), the writer, the checking
reader, record validation (``validate/``, cases in ``case_lines``), merge rules (``merge``,
``cases``, ``resolve``) and the import as a pipeline of stages (``importing/``).

See ``docs/bundle-format.md``. Nothing here touches SQL (that lives in ``store/sync/``) or Qt,
and nothing imports a service.
"""
