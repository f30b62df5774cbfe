"""Headless Chromium for the browser tests (Playwright driving Debian's ``chromium``: no browser download), with
a page that refuses every request outside the app under test and reports them (a test fails on any)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = shutil.which("chromium")


@contextmanager
def launched() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def guarded_page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page whose requests outside ``base_url`` are refused; fails on leaving if there were any."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(base_url) or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert not outside, f"requests left 127.0.0.1: {outside[:5]}"
