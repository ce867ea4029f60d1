"""The repository stands on its own: nothing in it points at files kept outside it (design
notes, reference files, a style guide by section) or at tracker numbers a reader cannot
look up. What the code relies on is written down in ``docs/`` instead (for example
``docs/rules.md``, ``docs/evaluate.md``, ``docs/contributing.md``).

Every text file of the repository is read: code, comments, docs, tests, forms, scripts.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

FORBIDDEN = [
    ("a folder outside the repository", re.compile(r"(\.\./|/work/)shared\b|\bshared/\w")),
    (
        "a design or style file that is not in the repository",
        re.compile(r"\b(STYLE|ARCHITECTURE|EVALUATE|CLI)\.md\b"),
    ),
    (
        "a reference file that is not in the repository",
        re.compile(r"\b(metrology|platform|reliability|prepack-and-enforcement)\.md\b"),
    ),
    ("a section of a reference kept elsewhere", re.compile(r"\breference §")),
    ("a tracker number", re.compile(r"\bissues? ?#?\d+\b|\bPR ?#\d+|\(#\d{1,4}\)", re.I)),
]

#: lines of the lead's files still to be rewritten; each entry is a fragment of one line.
#: Empty this once README.md and CHANGELOG.md are rewritten.
PENDING: dict[str, tuple[str, ...]] = {}

SKIPPED_DIRS = {
    ".git",
    ".venv",
    ".venv-lowest",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
    "__pycache__",
    "build",
    "dist",
    "htmlcov",
    ".cache",
    "results",
}


def repository_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        if out:
            return [f for f in out if (ROOT / f).is_file()]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []  # not a git checkout (an unpacked archive): walk the tree
    for dirpath, dirnames, names in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        files += [Path(dirpath, n).relative_to(ROOT).as_posix() for n in names]
    return files


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # fonts, icons
    return data.decode("utf-8", errors="replace")


def offending_lines(files: list[str], root: Path = ROOT) -> list[str]:
    found = []
    for rel in files:
        if rel in (THIS, "uv.lock"):
            continue
        text = text_of(root / rel)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if any(fragment in line for fragment in PENDING.get(rel, ())):
                continue
            for what, pattern in FORBIDDEN:
                if pattern.search(line):
                    found.append(f"{rel}:{number}: {what}: {line.strip()[:120]}")
    return found


def test_nothing_points_outside_the_repository_or_at_tracker_numbers():
    files = repository_files()
    assert len(files) > 100 and "inspector_app/cli/main.py" in files  # the scan sees the tree
    found = offending_lines(files)
    assert not found, "say it in your own words, in docs/ if need be:\n" + "\n".join(found)


def test_the_patterns_catch_what_they_are_for(tmp_path):
    samples = {
        "a.py": "# see ../shared/design/ARCHITECTURE.md\n",
        "b.md": "The numbers come from `reference/metrology.md`.\n",
        "c.py": '"""Layers (STYLE.md §1)."""\n',
        "d.toml": "# ---- checklist (reference §2.4) ----\n",
        "e.md": "See the closing notes of issue #6.\n",
        "f.md": "- Foundation (#2): package layout\n",
        "g.py": "# the frozen build is tested too (issue 9)\n",
        "ok.py": "# scale rules: JJG 539-2016 §5.6, OIML R 76-1 Table 6; colour #c0392b\n",
        "ok.md": "See docs/platform-notes.md and docs/cli.md; `shared_library` is fine.\n",
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = offending_lines(sorted(samples), tmp_path)
    flagged = {line.split(":", 1)[0] for line in found}
    assert flagged == {"a.py", "b.md", "c.py", "d.toml", "e.md", "f.md", "g.py"}, found


#: a path written in a document: starts at one of the repository's top folders
PATH_IN_TEXT = re.compile(
    r"(?<![\w./-])((?:docs|tests|packaging|inspector_app|benchmarks|forms|resources|\.ci)"
    r"/[\w./-]*\w)"
)


def ignored_by_git(paths: list[str]) -> list[str]:
    if not paths:
        return []
    try:
        out = subprocess.run(
            ["git", "check-ignore", "--no-index", "--stdin"],
            cwd=ROOT,
            input="\n".join(paths),
            capture_output=True,
            text=True,
        )
    except OSError:
        return []
    return out.stdout.splitlines()


def test_every_path_a_document_names_exists():
    files = repository_files()
    folders = {str(Path(f).parent) for f in files}
    missing = []
    for rel in files:
        if not rel.endswith(".md"):
            continue
        text = text_of(ROOT / rel) or ""
        for number, line in enumerate(text.splitlines(), 1):
            for match in PATH_IN_TEXT.finditer(line):
                path = match.group(1).rstrip(".")
                if path in files or path.rstrip("/") in folders or (ROOT / path).exists():
                    continue
                missing.append(f"{rel}:{number}: {path}")
    # what the program or the tests write (caches, results) is named but never committed
    named = [m.split(": ", 1)[1] for m in missing]
    generated = set(ignored_by_git(named + [f"{n}/x" for n in named]))
    missing = [m for m, n in zip(missing, named, strict=True) if not {n, f"{n}/x"} & generated]
    assert not missing, "documents name files that are not in the repository:\n" + "\n".join(
        missing
    )
