"""Shared fixtures: the default dataset, broken copies of it, and a live app in headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from viz import REPO_ROOT, default_data_dir
from viz.record.load import Dataset, load_dataset

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


def copied(source: Path, target: Path) -> Path:
    """A writable copy of a dataset folder at ``target``."""
    shutil.copytree(source, target)
    return target


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture dataset."""
    return copied(SMALL_DATA, tmp_path / "small")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the default dataset, for breaking on purpose."""
    return copied(DEFAULT_DATA, tmp_path / "dataset")


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


#: Init script: records every Content-Security-Policy violation the page reports, before any page script runs.
WATCH_CSP = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} in ${e.sourceFile || 'the page'}:${e.lineNumber}`));
"""


# Records when each chart has been drawn and painted, in window.__draws ([graph id, time] pairs): wraps
# Plotly.react as plotly.js is defined (dcc.Graph may call it in the task that defines it, so polling is too late).
RECORD_DRAWS = """
window.__draws = [];
let plotly;
Object.defineProperty(window, 'Plotly', {configurable: true, get() { return plotly; }, set(value) {
  plotly = value;
  const react = value.react;
  value.react = function (gd, ...rest) {
    const done = react.call(this, gd, ...rest);
    Promise.resolve(done).then(() => requestAnimationFrame(() => requestAnimationFrame(() =>
      window.__draws.push([gd.closest('[id$="-graph"]').id, performance.now()]))));
    return done;
  };
}});
"""

_PAGE_ERRORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def open_page(browser, **options):
    """A page in a fresh context under the app's real CSP; the context's pages record JavaScript errors and
    CSP violations.

    Read them back with :func:`page_problems`. Give ``wait_for_function`` a function (``"() => ..."``), not a
    bare expression: Playwright evaluates an expression again with ``eval`` on every poll, which the CSP
    refuses, while a function is evaluated once by the driver, which the CSP does not govern.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, **options)
    context.add_init_script(WATCH_CSP)
    context.on("page", _record_errors)
    page = context.new_page()
    assert page in _PAGE_ERRORS
    return page


def _record_errors(page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"JavaScript error: {exc}"))
    _PAGE_ERRORS[page] = errors


def page_problems(page) -> list[str]:
    """JavaScript errors and CSP violations since the last call, on a page in a context from :func:`open_page`."""
    violations = page.evaluate("() => (window.__cspViolations || []).splice(0)")
    errors = _PAGE_ERRORS[page]
    problems = [*errors, *(f"CSP violation: {v}" for v in violations)]
    errors.clear()
    return problems


@pytest.fixture
def page(browser, live_app):
    """The default dataset's app under its real CSP; fails a test that causes JavaScript errors or CSP violations."""
    page = open_page(browser, accept_downloads=True)
    page.goto(live_app)
    yield page
    problems = page_problems(page)
    page.context.close()
    assert not problems, f"problems in the page: {problems}"


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated objects out in full: datasets may not contain YAML aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False)
