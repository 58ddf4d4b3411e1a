"""Kept data stays bounded: the folder store's quota, LRU eviction, staging clean-up and private folders."""

import os
import time

import pytest

from viz.record.storage import STAGING_PREFIX, FolderStore, Quota, StorageError, private_folder, quota_from_env


def store_of(root, max_bytes=10**9, max_entries=100) -> FolderStore:
    return FolderStore(root, Quota(max_bytes, max_entries), pattern=r"[a-z]+\.bin")


def age(path, seconds: float) -> None:
    """Mark an entry as last used ``seconds`` ago (explicit times: no sleeping, no clock races)."""
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


def test_least_recently_opened_entries_are_evicted_first(tmp_path):
    store = store_of(tmp_path, max_entries=2)
    age(store.put_file("old.bin", b"1"), 300)
    age(store.put_file("mid.bin", b"2"), 200)
    assert store.open("old.bin") is not None  # opening marks it used: now "mid" is the oldest
    store.put_file("new.bin", b"3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.bin", "old.bin"]
    assert store.open("mid.bin") is None  # evicted: reported as not stored, no error


def test_the_byte_quota_evicts_oldest_but_never_the_entry_just_stored(tmp_path):
    store = store_of(tmp_path, max_bytes=250)
    for index, name in enumerate(("a.bin", "b.bin", "c.bin")):
        age(store.put_file(name, b"x" * 100), 100 - index)
    assert sorted(e.key for e in store.entries()) == ["b.bin", "c.bin"]  # 300 > 250: "a" went
    store.put_file("huge.bin", b"x" * 1000)  # over the quota on its own: everything else goes, it stays
    assert [e.key for e in store.entries()] == ["huge.bin"]


def test_a_folder_entry_is_stored_atomically_and_a_failed_fill_stores_nothing(tmp_path):
    store = FolderStore(tmp_path, Quota(10**6, 10), pattern="[0-9a-f]{4}")

    def fill(folder):
        (folder / "one.txt").write_text("1")
        (folder / "two.txt").write_text("22")

    store.put_folder("abcd", fill)
    assert sorted(p.name for p in (tmp_path / "abcd").iterdir()) == ["one.txt", "two.txt"]
    assert store.entries()[0].size == 3

    def broken(folder):
        (folder / "half.txt").write_text("x")
        raise ValueError("invalid")

    with pytest.raises(ValueError):
        store.put_folder("beef", broken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abcd"]  # no entry, no staging left over


def test_stale_staging_folders_are_removed_and_fresh_ones_kept(tmp_path):
    crashed, busy = tmp_path / f"{STAGING_PREFIX}crashed", tmp_path / f"{STAGING_PREFIX}busy"
    for folder in (crashed, busy):
        folder.mkdir()
        (folder / "events.yaml").write_text("half written")
    age(crashed, 2 * 3600)
    store_of(tmp_path).put_file("a.bin", b"1")
    assert not crashed.exists() and busy.exists()


def test_unmanaged_names_are_never_counted_or_evicted(tmp_path):
    (tmp_path / "someone-elses.txt").write_text("x" * 1000)
    store = store_of(tmp_path, max_bytes=10)
    store.put_file("a.bin", b"1")
    store.put_file("b.bin", b"2")
    assert [e.key for e in store.entries()] == ["a.bin", "b.bin"]  # 2 bytes: the other 1000 do not count
    store.quota = Quota(10, 1)
    store.enforce()
    assert (tmp_path / "someone-elses.txt").exists() and [e.key for e in store.entries()] == ["b.bin"]


def test_quota_settings_from_the_environment(monkeypatch):
    assert quota_from_env("VIZ_T_BYTES", "VIZ_T_COUNT", 5, 6) == Quota(5, 6)
    monkeypatch.setenv("VIZ_T_BYTES", "1000")
    assert quota_from_env("VIZ_T_BYTES", "VIZ_T_COUNT", 5, 6) == Quota(1000, 6)
    for bad in ("-1", "0", "1e9", "lots"):
        monkeypatch.setenv("VIZ_T_COUNT", bad)
        with pytest.raises(StorageError, match=f"VIZ_T_COUNT must be a whole number of at least 1, not '{bad}'"):
            quota_from_env("VIZ_T_BYTES", "VIZ_T_COUNT", 5, 6)


def test_a_private_folder_is_created_0700_and_unsafe_ones_are_refused(tmp_path, monkeypatch):
    made = private_folder(tmp_path / "new" / "store")
    assert made.stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with pytest.raises(StorageError, match="may be written by other users"):
        private_folder(shared)
    link = tmp_path / "link"
    link.symlink_to(made)
    with pytest.raises(StorageError, match="not a folder"):
        private_folder(link)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(made).st_uid + 1)  # as seen by another user
    with pytest.raises(StorageError, match="belongs to another user"):
        private_folder(made)
