"""A folder of kept entries (uploaded datasets, cached layouts) with a quota and LRU eviction.

Each entry is a file or a folder directly under the store's root, named by its key.
Entries are written under a hidden staging name and renamed into place, so a reader
never sees half an entry and two workers storing the same key at once both succeed.
Opening an entry marks it used (its mtime); when a put takes the store over its quota
(total bytes or number of entries), the least recently opened entries go first -- never
the one just put. Staging folders left by crashed workers are removed after an hour.

Only names matching the store's pattern are managed, so a store pointed at a shared
folder never touches anything else in it. A shared backend (e.g. object storage) would
implement the same four methods: ``open``, ``put_file``, ``put_folder``, ``entries``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: prefix of the hidden names entries are written (and deleted) under
STAGING_PREFIX = ".viz-staging-"
#: a staging folder older than this was left by a crashed worker
STALE_STAGING_SECONDS = 3600


class StorageError(Exception):
    """A store folder that is unsafe to use, or a quota setting that is not a positive number."""


@dataclass(frozen=True)
class Quota:
    max_bytes: int
    max_entries: int


@dataclass(frozen=True)
class Entry:
    key: str
    path: Path
    size: int
    used_ns: int  # when it was last stored or opened


def quota_from_env(bytes_var: str, entries_var: str, default_bytes: int, default_entries: int) -> Quota:
    """The quota set by two environment variables (whole numbers), or the defaults."""

    def read(name: str, default: int) -> int:
        text = os.environ.get(name, "").strip()
        if not text:
            return default
        if not text.isdigit() or int(text) < 1:
            raise StorageError(f"{name} must be a whole number of at least 1, not {text!r}")
        return int(text)

    return Quota(read(bytes_var, default_bytes), read(entries_var, default_entries))


def private_folder(path: Path) -> Path:
    """``path``, created 0700 if missing; refused if it is not this user's own, private folder.

    Used for default locations in shared places (the temp directory), where another user
    could have created the folder first to read or plant data.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()  # lstat: a symlink planted by someone else is refused, not followed
    if not stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path} is not a folder (a symlink or file is there); remove it or set another folder")
    if info.st_uid != os.getuid():
        raise StorageError(f"{path} belongs to another user (uid {info.st_uid}, this server runs as uid "
                           f"{os.getuid()}); remove it or set another folder")
    if info.st_mode & 0o022:
        raise StorageError(f"{path} may be written by other users (mode {stat.S_IMODE(info.st_mode):o}); "
                           "run `chmod 700` on it or set another folder")
    return path


def _size(path: Path) -> int:
    """Bytes held by a file, or by every file under a folder."""
    if not path.is_dir():
        return path.lstat().st_size
    return sum(Path(top, name).lstat().st_size for top, _, names in os.walk(path) for name in names)


def _touch(path: Path) -> None:
    now = time.time_ns()  # not the file system's coarse clock: two opens in a row stay in order
    os.utime(path, ns=(now, now), follow_symlinks=False)


class FolderStore:
    """Entries under ``root`` whose names match ``pattern``, kept within ``quota``."""

    def __init__(self, root: Path, quota: Quota, pattern: str, stale_seconds: float = STALE_STAGING_SECONDS):
        self.root = Path(root)
        self.quota = quota
        self._pattern = re.compile(pattern)
        self._stale_ns = int(stale_seconds * 1e9)

    def _path(self, key: str) -> Path:
        if not self._pattern.fullmatch(key):
            raise ValueError(f"not a key of this store: {key!r}")
        return self.root / key

    def open(self, key: str) -> Path | None:
        """The entry's path, marked as just used; None if it is not stored (never, or evicted)."""
        if not self._pattern.fullmatch(key):
            return None
        path = self.root / key
        try:
            _touch(path)
        except FileNotFoundError:
            return None
        return path

    def put_file(self, key: str, data: bytes) -> Path:
        """Store ``data`` as the file entry ``key`` (replacing it if present)."""
        return self._put(key, lambda staging: (staging / "entry").write_bytes(data), folder=False)

    def put_folder(self, key: str, fill: Callable[[Path], None]) -> Path:
        """Store as entry ``key`` the folder that ``fill`` writes into an empty staging folder.

        If ``fill`` raises, nothing is stored. If the key is stored already (another worker
        got there first with the same content), that entry is kept and this one dropped.
        """
        return self._put(key, fill, folder=True)

    def _put(self, key: str, fill: Callable[[Path], object], folder: bool) -> Path:
        target = self._path(key)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.root))
        try:
            fill(staging)
            if not folder:
                os.replace(staging / "entry", target)
            else:
                try:
                    os.rename(staging, target)
                except OSError:
                    if not target.is_dir():
                        raise  # a real failure, not a lost race
            _touch(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.enforce(keep=key)
        return target

    def entries(self) -> list[Entry]:
        """Every stored entry, least recently used first (entries vanishing meanwhile are skipped)."""
        found = []
        for path in self.root.iterdir() if self.root.is_dir() else ():
            if self._pattern.fullmatch(path.name):
                with contextlib.suppress(FileNotFoundError):
                    found.append(Entry(path.name, path, _size(path), path.lstat().st_mtime_ns))
        return sorted(found, key=lambda e: (e.used_ns, e.key))

    def enforce(self, keep: str | None = None) -> list[str]:
        """Evict least recently used entries until within the quota (never ``keep``); the evicted keys."""
        self.remove_stale_staging()
        entries = self.entries()
        total, count = sum(e.size for e in entries), len(entries)
        evicted = []
        for entry in entries:
            if total <= self.quota.max_bytes and count <= self.quota.max_entries:
                break
            if entry.key == keep:
                continue
            self._remove(entry.path)
            total, count = total - entry.size, count - 1
            evicted.append(entry.key)
        return evicted

    def remove_stale_staging(self) -> None:
        """Remove staging folders older than the staging age limit (left by crashed workers)."""
        cutoff = time.time_ns() - self._stale_ns
        for path in self.root.glob(f"{STAGING_PREFIX}*") if self.root.is_dir() else ():
            with contextlib.suppress(FileNotFoundError):
                if path.lstat().st_mtime_ns < cutoff:
                    shutil.rmtree(path, ignore_errors=True)

    def _remove(self, path: Path) -> None:
        # Rename first (atomic): other workers stop seeing the entry at once, and a second
        # worker evicting the same entry just finds it gone.
        doomed = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.root)) / path.name
        try:
            os.rename(path, doomed)
        except FileNotFoundError:
            pass
        finally:
            shutil.rmtree(doomed.parent, ignore_errors=True)
