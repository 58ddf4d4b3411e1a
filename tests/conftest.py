"""Shared fixtures: the default dataset, broken copies of it, and a live app in headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from viz import REPO_ROOT, default_data_dir
from viz.load import Dataset, load_dataset

# Layout caches from the tests go to a throwaway folder, not the user's ~/.cache.
os.environ.setdefault("VIZ_CACHE_DIR", tempfile.mkdtemp(prefix="viz-test-cache-"))

DEFAULT_DATA = default_data_dir()
SMALL_DATA = REPO_ROOT / "tests" / "fixtures" / "jwg17"
OUTPUT_DIR = REPO_ROOT / "test-output"
CHROMIUM = os.environ.get("VIZ_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset(DEFAULT_DATA)


@pytest.fixture(scope="session")
def small() -> Dataset:
    """The seed-only fixture dataset (17th JWG week): exact shapes are asserted against it."""
    return load_dataset(SMALL_DATA)


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture dataset."""
    target = tmp_path / "small"
    shutil.copytree(SMALL_DATA, target)
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the default dataset, for breaking on purpose."""
    target = tmp_path / "dataset"
    shutil.copytree(DEFAULT_DATA, target)
    return target


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(data_dir: Path) -> Iterator[str]:
    """Serve the real app for a dataset on 127.0.0.1 in a thread; yields its URL."""
    from werkzeug.serving import make_server

    from viz.app import create_app

    app = create_app(data_dir)
    port = _free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_app() -> Iterator[str]:
    """The real app for the default dataset, served on 127.0.0.1; yields its URL."""
    with serve(DEFAULT_DATA) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. Fails loudly if it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium) "
                    "or set VIZ_CHROMIUM", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--disable-background-networking", "--disable-component-update", "--no-first-run",
                  "--disable-sync", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_app):
    # Playwright's string predicates run through eval, which the app's CSP forbids; test_security.py
    # checks the app under its real CSP.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_app)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated objects out in full: datasets may not contain YAML aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False)
