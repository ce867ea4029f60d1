"""Stage *backup*: every check has passed; before the first write, the database file gets
a backup this import can be undone with: a new rotating, verified copy only when the
newest one is more than an hour old (``store.backups.recent_backup``), else that one is
named (``backup_reused``). An office database on PostgreSQL is backed up by the server's
own means (pg_dump); its import is one transaction there too."""

from __future__ import annotations

from ...store.backups import make_backup, recent_backup
from .job import ImportJob


def run(job: ImportJob) -> None:
    if job.progress is not None:
        job.progress("merge", 0, 1)
    store = job.store
    if not job.backup or store.engine != "sqlite":
        return
    recent = recent_backup(store.path, folder=job.backup_dir)
    if recent is not None:
        job.report.backup, job.report.backup_reused = str(recent.path), True
        return
    made = make_backup(
        store.conn, store.path, "before-import", job.manifest.bundle_id[:8], folder=job.backup_dir
    )
    job.report.backup, job.report.backup_reused = str(made), False
