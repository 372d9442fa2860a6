"""Session fixtures of the extension e2e tests: trained store, API server, site, Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import build_extension, launch, run_server, train_store  # noqa: E402
from fixture_site import serve_site  # noqa: E402


@pytest.fixture(scope="session")
def trained_data_dir(tmp_path_factory) -> Path:
    """A data dir with a promoted tfidf student per bundled task, trained on fixture labels."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    train_store(data_dir)
    return data_dir


@pytest.fixture(scope="session")
def server(trained_data_dir):
    """`snarewatch serve` on a free port."""
    with run_server(trained_data_dir) as srv:
        yield srv


@pytest.fixture(scope="session")
def site():
    """The fixture shop and marketplace."""
    with serve_site() as base:
        yield base


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
