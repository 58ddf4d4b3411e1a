"""Datasets uploaded through the app: unpacked with limits, validated, kept by content hash.

An upload is a zip of a dataset folder or the dataset's files themselves
(``dataset.yaml`` plus each collection as YAML or CSV).
It is validated before anything changes; a valid one is stored under
``<upload dir>/<sha256>/`` so any worker process can load it again (the app
holds no per-user state in memory that a second worker would miss). The store
has a quota (:mod:`viz.record.storage`): the least recently opened datasets are removed
first, and a link to a removed one says so (:class:`DatasetGone`).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import io
import lzma
import os
import tempfile
import time
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from viz.record.edits import CHANGES
from viz.record.load import COLLECTIONS as MODELS
from viz.record.load import FORMATS, OPTIONAL, DatasetError, Problem, load_dataset
from viz.record.storage import FolderStore, private_folder, quota_from_env
from viz.render.view import ViewContext, prepare_context

#: the most one upload (all its files together) may hold
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: the largest request body the server reads: the upload in base64 (4 characters per 3 bytes)
#: plus room for the data-URL prefixes, file names and the callback's JSON envelope
MAX_REQUEST_BYTES = 4 * -(-MAX_UPLOAD_BYTES // 3) + 64 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: upload store quota defaults (``$VIZ_UPLOAD_QUOTA_BYTES``, ``$VIZ_UPLOAD_QUOTA_DATASETS``)
UPLOAD_QUOTA_BYTES = 1024 * 1024 * 1024
UPLOAD_QUOTA_DATASETS = 100
COLLECTIONS = tuple(MODELS)
DATASET_FILES = ("dataset.yaml", *(f"{c}.yaml" for c in COLLECTIONS))
#: every file name an upload may contain: each collection as YAML, JSON or CSV
ALLOWED_FILES = ("dataset.yaml", *(f"{c}.{ext}" for c in COLLECTIONS for ext in FORMATS))


def _refuse(name: str, message: str) -> DatasetError:
    return DatasetError([Problem(name, None, "-", "-", message)])


class DatasetGone(LookupError):
    """A link names an uploaded dataset that is not stored (any more)."""


def upload_folder(configured: str | Path | None = None) -> Path:
    """``configured``, else ``$VIZ_UPLOAD_DIR``, else ``<tmp>/viz-uploads-<uid>``.

    The default is in the shared temp directory, so it is created private (0700) and
    refused (StorageError) if another user owns it or others may write to it.
    """
    chosen = configured or os.environ.get("VIZ_UPLOAD_DIR")
    return Path(chosen) if chosen else private_folder(Path(tempfile.gettempdir()) / f"viz-uploads-{os.getuid()}")


def upload_store(root: Path) -> FolderStore:
    """The upload store under ``root``: one folder per dataset, named by its content hash."""
    quota = quota_from_env("VIZ_UPLOAD_QUOTA_BYTES", "VIZ_UPLOAD_QUOTA_DATASETS",
                           UPLOAD_QUOTA_BYTES, UPLOAD_QUOTA_DATASETS)
    return FolderStore(root, quota, pattern="[0-9a-f]{32}")


def _decoded_size(payload: str) -> int:
    """The bytes a (valid) base64 text decodes to."""
    padding = len(payload[-2:]) - len(payload[-2:].rstrip("="))
    return len(payload) * 3 // 4 - padding


def decode_uploads(contents: Sequence[str], names: Sequence[str]) -> dict[str, bytes]:
    """The files of one dcc.Upload (items ``data:...;base64,...``), all together within the size limit.

    The size is checked on the encoded text, before anything is decoded.
    """
    payloads = {name: item.partition(",")[2] for name, item in zip(names, contents, strict=False)}
    total = sum(map(_decoded_size, payloads.values()))
    if total > MAX_UPLOAD_BYTES:
        where = next(iter(payloads)) if len(payloads) == 1 else "upload"
        raise _refuse(where, f"the upload holds {total:,} bytes; at most {MAX_UPLOAD_BYTES:,} "
                             f"({MAX_UPLOAD_BYTES // (1024 * 1024)} MB, all files together) are accepted")
    files = {}
    for name, payload in payloads.items():
        try:
            files[name] = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise _refuse(name, "the upload could not be decoded") from None
    return files


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """One member's bytes; an encrypted or damaged member is a DatasetError naming it."""
    if member.flag_bits & 0x1:
        raise _refuse(name, f"encrypted zip files are not supported ({member.filename} is encrypted)")
    try:
        return archive.read(member)
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            raise _refuse(name, f"the zip is damaged (CRC check failed) in member {member.filename}") from None
        raise _refuse(name, f"the zip is damaged in member {member.filename}") from None
    except (zlib.error, lzma.LZMAError, EOFError, ValueError, OSError):  # bz2 says OSError("Invalid data stream")
        raise _refuse(name, f"the zip is damaged in member {member.filename}") from None
    except NotImplementedError:
        raise _refuse(name, f"member {member.filename} uses a compression method that is not supported; "
                            "use a plain (deflate) zip") from None
    except RuntimeError:  # zipfile's "password required" for an encryption flag it found itself
        raise _refuse(name, "encrypted zip files are not supported") from None


def unpack(files: dict[str, bytes]) -> dict[str, bytes]:
    """The dataset's five files from uploaded files or one zip (zip-slip and bomb safe)."""
    if len(files) == 1 and next(iter(files)).lower().endswith(".zip"):
        name, data = next(iter(files.items()))
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise _refuse(name, "not a valid zip file") from None
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES or len(members) > 200:
            raise _refuse(name, "the zip unpacks to too much data")
        found: dict[str, bytes] = {}
        for member in members:
            base = PurePosixPath(member.filename).name
            if base in ALLOWED_FILES:
                if base in found:
                    raise _refuse(name, f"the zip holds more than one {base}")
                found[base] = _read_member(archive, member, name)
        files = found
    else:
        for name in files:
            if PurePosixPath(name).name not in ALLOWED_FILES:
                raise _refuse(name, "not a dataset file; expected dataset.yaml and sources, actors, agreements "
                                    "and events as .yaml, .json or .csv (or one zip of them)")
        files = {PurePosixPath(n).name: d for n, d in files.items()}
    missing = ["dataset.yaml"] if "dataset.yaml" not in files else []
    missing += [f"{c}.yaml" for c in COLLECTIONS
                if c not in OPTIONAL and not any(f"{c}.{ext}" in files for ext in FORMATS)]
    if missing:
        raise _refuse("upload", f"missing {', '.join(missing)}")
    return files


def _without_paths(problem: Problem, staging: Path) -> Problem:
    """The problem as the user sees it: their file names, never the server's folders."""

    def clean(text: str) -> str:
        return text.replace(f"{staging}{os.sep}", "").replace(str(staging), "upload")

    return dataclasses.replace(problem, file=clean(problem.file), message=clean(problem.message))


def store_upload(files: dict[str, bytes], store: FolderStore) -> str:
    """Validate the dataset; if valid, keep it under its content hash and return the hash.

    Raises DatasetError (problems name the uploaded file, record and field). Nothing is
    stored for an invalid upload. Storing the same content again (even at the same time,
    from another worker) returns the same key.
    """
    files = unpack(files)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    key = digest.hexdigest()[:32]
    if store.open(key) is not None:
        return key

    def fill(staging: Path) -> None:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        try:
            load_dataset(staging)
        except DatasetError as exc:
            raise DatasetError([_without_paths(p, staging) for p in exc.problems], exc.omitted) from None

    store.put_folder(key, fill)
    return key


class Contexts:
    """The default dataset plus uploaded ones, found by key (a content hash)."""

    #: an open dataset is marked used at most this often (a file system write per callback is waste)
    TOUCH_EVERY_NS = 60 * 10**9

    def __init__(self, default: ViewContext, store: FolderStore, keep: int = 4, default_dir: Path | None = None):
        self.default = default
        self.default_dir = default_dir  # the default dataset's folder (edit mode writes to it)
        self.store = store
        self._cache: OrderedDict[str, tuple[ViewContext, int]] = OrderedDict()
        self._keep = keep
        self.watch = False  # edit mode: another process's saves are noticed (see :meth:`_seen`)
        self._logs: dict[str | None, tuple[int, int] | None] = {}

    def get(self, key: str | None) -> ViewContext:
        """The dataset for ``key`` (the default one for no key); DatasetGone if it is not stored.

        For the callbacks of an open page: the store is asked at most once a minute. In edit mode a
        dataset another process has saved since (its change log grew) is loaded again first.
        """
        if self.watch and not self._seen(key):
            return self.reload(key)
        return self._context(key, ask_store=False)

    def _log_state(self, key: str | None) -> tuple[int, int] | None:
        log = self.folder(key) / CHANGES
        try:
            stat = log.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _seen(self, key: str | None) -> bool:
        """Whether this process holds the dataset as of its change log's last line (one stat per call)."""
        if key not in self._logs:  # first use: what it loaded is current
            self._logs[key] = self._log_state(key)
        return self._logs[key] == self._log_state(key)

    def open(self, key: str | None) -> ViewContext:
        """Like :meth:`get`, for opening a page: the store decides, not what this worker holds."""
        return self._context(key, ask_store=True)

    def folder(self, key: str | None) -> Path:
        """The folder of the dataset ``key`` (an upload's stored copy); DatasetGone if it is not stored."""
        if not key:
            if self.default_dir is None:
                raise DatasetGone("the default dataset was given without its folder")
            return self.default_dir
        folder = self.store.open(key)
        if folder is None:
            raise DatasetGone(key)
        return folder

    def reload(self, key: str | None) -> ViewContext:
        """Load the dataset ``key`` again from its folder (after an edit); DatasetError if it is invalid."""
        self._logs[key] = self._log_state(key)  # (read before loading: a save during the load is noticed next time)
        context = prepare_context(self.folder(key))
        if key:
            self._cache.pop(key, None)
            self._cache[key] = (context, time.monotonic_ns())
        else:
            self.default = context
        return context

    def _context(self, key: str | None, ask_store: bool) -> ViewContext:
        if not key:
            return self.default
        now = time.monotonic_ns()
        context, touched = self._cache.pop(key, (None, 0))
        if ask_store or context is None or now - touched > self.TOUCH_EVERY_NS:
            folder = self.store.open(key)  # marks it used, so the store keeps what people look at
            if folder is None:
                raise DatasetGone(key)
            if context is None:
                try:
                    context = prepare_context(folder)
                except (OSError, DatasetError):  # evicted while being read
                    raise DatasetGone(key) from None
            touched = now
        self._cache[key] = (context, touched)
        while len(self._cache) > self._keep:
            self._cache.popitem(last=False)
        return context
