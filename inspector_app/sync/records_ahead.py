"""A bundle's records entries inflated and checked in a thread while the reader reads the
manifest and the small entries (``reader.read_bundle``).

The records are most of a records-only bundle's bytes (161 MB of JSON lines in a
10,000-inspection bundle, 38 MB stored): inflating and summing them (CRC-32, SHA-256) took
about 0.3 s of the import's *open* stage, and the manifest and the small entries (the
photos) another 0.15 s around them. Inflating and summing are C code that lets other
threads run, and at that point the import's checking worker (``importing.overlap``) is
still starting on the other processor, so the two now run side by side.

The thread starts once the manifest's signature is verified (the bundle comes from a key
this database trusts: nothing is inflated for a stranger). The stored bytes are read by the
reader beforehand (the thread reads no file). The thread inflates the entries in the
reader's order; once the reader has the manifest's signed sizes and hashes
(:meth:`RecordsAhead.expect`) it hands each entry over (*deliver*) as soon as it is whole
and its sums match. At the first entry with anything amiss it stops: that entry and the ones
after it are read by the reader as before, in order, so that a damaged entry is refused in
exactly the words it always was, and the entries are handed over in the same order. Nothing
it does raises to the reader but what *deliver* raises.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Callable

from .entries import inflated, stored

# (name, directory entry, stored bytes)
Item = tuple[str, zipfile.ZipInfo, bytes]
Deliver = Callable[[str, bytes], object]


class RecordsAhead:
    """The thread inflating *items* in order; it hands each over once :meth:`expect` has
    given the signed sums."""

    def __init__(self, items: list[Item]) -> None:
        self.delivered: set[str] = set()
        self.error: BaseException | None = None
        self._signed: dict[str, tuple[str, int]] = {}
        self._deliver: Deliver | None = None
        self._ready = threading.Event()
        self._stop = False
        self._thread = threading.Thread(
            target=self._run, args=(items,), daemon=True, name="records-inflate"
        )
        self._thread.start()

    def expect(self, signed: dict[str, tuple[str, int]], deliver: Deliver) -> None:
        """The manifest's (SHA-256, size) of each entry, its signature verified, and where a
        records entry goes once it matches them."""
        self._signed, self._deliver = signed, deliver
        self._ready.set()

    def _run(self, items: list[Item]) -> None:
        done: list[tuple[str, zipfile.ZipInfo, bytes]] = []  # inflated, not handed over yet
        try:
            while items and not self._stop:
                name, info, raw = items.pop(0)
                data = inflated(raw, info, info.file_size)
                del raw
                if data is None:
                    break
                done.append((name, info, data))
                if self._ready.is_set() and not self._hand_over(done):
                    return
            self._ready.wait()
            self._hand_over(done)
        except BaseException as exc:  # noqa: BLE001 - raised again in the reader's thread
            self.error = exc
        finally:
            items.clear()

    def _hand_over(self, done: list[tuple[str, zipfile.ZipInfo, bytes]]) -> bool:
        """Hand over the inflated entries in order while they match the signed sums; False
        at the first that does not (or when the reader stopped)."""
        while done:
            if self._stop or self._deliver is None:
                return False
            name, info, data = done[0]
            sha, size = self._signed.get(name, ("", -1))
            if size != info.file_size or hashlib.sha256(data).hexdigest() != sha:
                return False
            del done[0]
            self._deliver(name, data)
            self.delivered.add(name)
        return True

    def handed_over(self, name: str) -> bool:
        """Whether the entry *name* was handed over (waits for the thread to end first);
        what *deliver* raised is raised here."""
        self._thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return name in self.delivered

    def stop(self) -> None:
        """End the thread after the entry it is at (the reader stopped: a refusal or a
        cancel, or it has read every entry)."""
        self._stop = True
        self._ready.set()
        self._thread.join()


def records_ahead(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> RecordsAhead | None:
    """The thread for the archive's records entries, in the reader's order (by name), from
    the first on up to the first whose stored bytes ``entries.stored`` leaves to zipfile:
    their stored bytes are read here. (A small entry too: what comes out whole with the
    signed sums is what the reader's ``read_small`` gives; anything amiss, and the reader
    reads it in its own way.) None when there is none."""
    records = sorted(
        (i for i in infos if i.filename.startswith("records/")), key=lambda i: i.filename
    )
    items: list[Item] = []
    for info in records:
        raw = stored(zf, info, info.file_size)
        if raw is None:
            break
        items.append((info.filename, info, raw))
    return RecordsAhead(items) if items else None
