"""The office password in a libpq password file, never in the settings or the URL kept there.

libpq reads ``host:port:database:user:password`` lines from the file ``PGPASSFILE`` names
(readable by its owner only, mode 0600, or it is ignored). :func:`save_password` writes or
replaces the one line for a URL's host, port, database and user; :func:`split_password`
takes a password typed into a URL out of it, so only the URL without it is kept.
"""

from __future__ import annotations

import os
from pathlib import Path


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _fields(url: str) -> dict[str, str]:
    from psycopg.conninfo import conninfo_to_dict

    return {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}


def split_password(url: str) -> tuple[str, str]:
    """(the URL without its password, the password it carried or "")."""
    import re

    m = re.match(r"^(\w+://[^:/@?]+):([^@/?]*)@(.*)$", url)
    if not m:
        return url, ""
    from urllib.parse import unquote

    return f"{m.group(1)}@{m.group(3)}", unquote(m.group(2))


def entry_key(url: str) -> tuple[str, str, str, str]:
    """The (host, port, database, user) a password line is for; ``*`` where the URL says
    nothing (libpq's defaults then apply, and the wildcard matches them)."""
    f = _fields(url)
    user = f.get("user") or os.environ.get("PGUSER") or "*"
    return (f.get("host") or "*", f.get("port") or "*", f.get("dbname") or "*", user)


def _line_key(line: str) -> tuple[str, ...] | None:
    parts: list[str] = []
    cur, i = "", 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur += line[i + 1]
            i += 2
            continue
        if ch == ":" and len(parts) < 4:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    return tuple(parts) if len(parts) == 4 else None


def save_password(passfile: str | os.PathLike[str], url: str, password: str) -> None:
    """Write (or replace, or with an empty password remove) the URL's line, mode 0600."""
    path = Path(passfile)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = entry_key(url)
    lines = []
    if path.exists():
        lines = [
            ln
            for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and _line_key(ln) != key
        ]
    if password:
        lines.insert(
            0, ":".join(_escape(v) if v != "*" else v for v in key) + ":" + _escape(password)
        )
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("".join(ln + "\n" for ln in lines))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def has_password(passfile: str | os.PathLike[str], url: str) -> bool:
    path = Path(passfile)
    if not path.exists():
        return False
    key = entry_key(url)
    return any(_line_key(ln) == key for ln in path.read_text(encoding="utf-8").splitlines())
