"""Datasets uploaded through the app: unpacked with limits, validated, kept by content hash.

An upload is a zip of a dataset folder or the dataset's files themselves
(``dataset.yaml`` plus each collection as YAML or CSV).
It is validated before anything changes; a valid one is stored under
``<upload dir>/<sha256>/`` so any worker process can load it again (the app
holds no per-user state in memory that a second worker would miss).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from collections import OrderedDict
from pathlib import Path, PurePosixPath

from viz.load import FORMATS, DatasetError, Problem, load_dataset
from viz.view import ViewContext, prepare_context

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DATASET_FILES = ("dataset.yaml", "sources.yaml", "actors.yaml", "agreements.yaml", "events.yaml")
COLLECTIONS = ("sources", "actors", "agreements", "events")
#: every file name an upload may contain: each collection as YAML, JSON or CSV
ALLOWED_FILES = ("dataset.yaml", *(f"{c}.{ext}" for c in COLLECTIONS for ext in FORMATS))


def _refuse(name: str, message: str) -> DatasetError:
    return DatasetError([Problem(name, None, "-", "-", message)])


def decode_upload(contents: str, name: str) -> bytes:
    """The bytes of one dcc.Upload item (``data:...;base64,...``), within the size limit."""
    _, _, payload = contents.partition(",")
    if len(payload) * 3 // 4 > MAX_UPLOAD_BYTES:
        raise _refuse(name, f"upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(name, "the upload could not be decoded") from None


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
                found[base] = archive.read(member)
        files = found
    else:
        for name in files:
            if PurePosixPath(name).name not in ALLOWED_FILES:
                raise _refuse(name, "not a dataset file; expected dataset.yaml and sources, actors, agreements "
                                    "and events as .yaml, .json or .csv (or one zip of them)")
        files = {PurePosixPath(n).name: d for n, d in files.items()}
    missing = ["dataset.yaml"] if "dataset.yaml" not in files else []
    missing += [f"{c}.yaml" for c in COLLECTIONS if not any(f"{c}.{ext}" in files for ext in FORMATS)]
    if missing:
        raise _refuse("upload", f"missing {', '.join(missing)}")
    return files


def store_upload(files: dict[str, bytes], upload_dir: Path) -> str:
    """Validate the dataset; if valid, keep it under its content hash and return the hash.

    Raises DatasetError (problems name the uploaded file, record and field). Nothing is
    stored for an invalid upload.
    """
    files = unpack(files)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    key = digest.hexdigest()[:32]
    target = upload_dir / key
    if target.is_dir():
        return key
    upload_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=upload_dir))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        try:
            load_dataset(staging)
        except DatasetError as exc:
            # Name the uploaded file, not the server's temporary folder.
            raise DatasetError([Problem(p.file.replace(f"{staging}{os.sep}", ""), p.line, p.record, p.field,
                                        p.message) for p in exc.problems]) from None
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return key


class Contexts:
    """The default dataset plus uploaded ones, found by key (a content hash)."""

    def __init__(self, default: ViewContext, upload_dir: Path, keep: int = 4):
        self.default = default
        self.upload_dir = upload_dir
        self._cache: OrderedDict[str, ViewContext] = OrderedDict()
        self._keep = keep

    def get(self, key: str | None) -> ViewContext:
        """The dataset for ``key``; the default one for no key or an unknown key."""
        if not key or not key.isalnum():
            return self.default
        if key not in self._cache:
            folder = self.upload_dir / key
            if not folder.is_dir():
                return self.default
            self._cache[key] = prepare_context(folder)
            while len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return self._cache[key]
