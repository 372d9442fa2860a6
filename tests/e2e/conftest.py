"""Session fixtures of the extension e2e tests: demo site, trained store, API server, Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_site import serve_site  # noqa: E402
from harness import build_extension, launch, run_server, train_store  # noqa: E402


@pytest.fixture(scope="session")
def site():
    """The demo marketplace and shop (`demo_site`, default seed) on a free port."""
    from demo_site.server import serve_in_thread

    with serve_in_thread() as base:
        yield base


@pytest.fixture(scope="session")
def truth():
    """The demo site's ground truth: ads by id, shop pages by path."""
    from demo_site.truth import ground_truth

    g = ground_truth()
    return {"ads": {a["id"]: a for a in g["ads"]}, "pages": {p["path"]: p for p in g["pages"]}}


@pytest.fixture(scope="session")
def hostile_site():
    """The small fixture marketplace whose ad title carries a script payload."""
    with serve_site() as base:
        yield base


@pytest.fixture(scope="session")
def trained_data_dir(tmp_path_factory, site) -> Path:
    """A data dir with a promoted tfidf student per task, trained without the tested pages."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    train_store(data_dir, site)
    return data_dir


@pytest.fixture(scope="session")
def server(trained_data_dir):
    """`snarewatch serve` (a subprocess) on a free port."""
    with run_server(trained_data_dir) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory, server):
    """Chromium with the built extension, configured for the test server.

    Module-scoped: Playwright's sync API keeps an event loop running on the main thread while it
    is open, which would break later tests that start their own loop.
    """
    ext = build_extension(tmp_path_factory.mktemp("ext") / "dist")
    with launch(tmp_path_factory.mktemp("profile"), ext) as b:
        b.configure(server.url, server.token)
        yield b


@pytest.fixture
def page(browser):
    """A fresh tab in the extension's Chromium."""
    p = browser.context.new_page()
    yield p
    p.close()
