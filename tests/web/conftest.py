"""The browser the web pages are read in: Debian's Chromium through Playwright for Python.

The system browser is used (Playwright's own browser download is not available). Without Playwright or
Chromium the browser tests are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
import uvicorn

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")


def _chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        path = (
            candidate
            if os.path.isabs(candidate) and os.access(candidate, os.X_OK)
            else shutil.which(candidate)
        )
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A Chromium browser for the module's tests."""
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Playwright for Python and Debian's chromium are needed under CI=true")
        pytest.skip("Playwright for Python or Chromium is not installed")
    with sync_playwright() as playwright:
        # --no-sandbox: the tests run as root, where Chromium refuses its sandbox
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


#: Seconds a test server may take to start or stop.
STARTUP_S = 10.0


@contextmanager
def _served(app: Any) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_S
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_S)
        sock.close()


@pytest.fixture
def serve() -> Callable[[Any], AbstractContextManager[str]]:
    """``with serve(app) as url``: ``app`` served by uvicorn in a thread on a free loopback port."""
    return _served
