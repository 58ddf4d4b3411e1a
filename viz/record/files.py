"""Atomic file writes: the one way viz writes a file (exports, datasets, caches, migrations).

Every file goes to a temporary sibling first and is renamed into place only when it
is complete, so a crash, a full disk or a kill leaves the old file intact. Several
files are written together: all are staged before any is renamed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_files(contents: dict[Path, bytes | str]) -> None:
    """Write several files all together; if staging any fails, nothing is renamed.

    A file keeps its permissions; a new one is readable by all (0644), as exports are meant to be shared.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(data.encode("utf-8") if isinstance(data, str) else data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write one file atomically (see :func:`write_files`); returns its path."""
    path = Path(path)
    write_files({path: data})
    return path


def read_text_file(path: Path, label: str, problems: list, limit: int, encoding: str = "utf-8") -> str | None:
    """A dataset file's text, or None with a problem saying why (too large, not UTF-8, unreadable)."""
    from viz.record.problems import Problem  # files.py is also used where no problems are collected

    try:
        size = path.stat().st_size
        if size > limit:
            problems.append(Problem(label, None, "-", "-", f"file is {size} bytes; the limit is {limit}"))
            return None
        return path.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, None, "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except OSError as exc:
        problems.append(Problem(label, None, "-", "-", f"cannot read file: {exc.strerror}"))
    return None
