"""Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright, with axe-core.

Every page a test visits is checked with axe-core (WCAG 2.0 A/AA, 2.1 AA, 2.2 AA); the `page`
fixture fails a test that navigated to a page it did not check, and any browser console error
(a script failure or a Content Security Policy violation) fails the test too.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_SCRIPT.read_text() if AXE_SCRIPT.exists() else ""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but was not found at {CHROMIUM}")
        pytest.skip(f"No Chromium at {CHROMIUM}: browser tests need `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AccessibilityChecker:
    """Runs axe on the current page and remembers which pages were checked."""

    def __init__(self, page):
        self.page = page
        self.checked: set[str] = set()
        self.visited: list[str] = []

    def __call__(self) -> None:
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated over the DevTools protocol, so the page's Content Security Policy stays on
            # (a <script> tag would need 'unsafe-inline', and turning CSP off would hide violations).
            self.page.evaluate(AXE_SOURCE)
        results = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"]
        ]
        assert violations == [], f"axe found problems on {self.page.url}:\n{json.dumps(violations, indent=2)}"
        self.checked.add(self._path(self.page.url))

    @staticmethod
    def _path(url: str) -> str:
        return url.split("#")[0]


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab on the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Every stylesheet, script, font and image must load: a missing GOV.UK asset fails the test.
    failed_assets: list[str] = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type in {"stylesheet", "script", "font", "image"}
            and failed_assets.append(f"{response.status} {response.url}")
        ),
    )
    checker = AccessibilityChecker(page)
    page.on("framenavigated", lambda frame: frame == page.main_frame and checker.visited.append(frame.url))
    page.check_accessibility = checker
    yield page
    context.close()
    unchecked = sorted({checker._path(url) for url in checker.visited} - checker.checked - {"about:blank"})
    assert unchecked == [], f"Pages visited without an axe check: {unchecked}"
    # Lockout answers 429 and a spent link 404 on purpose; the browser logs those page statuses.
    # Failed assets are caught separately below.
    real_errors = [e for e in errors if "status of 429" not in e and "status of 404" not in e]
    assert real_errors == [], f"Browser errors: {real_errors}"
    assert failed_assets == [], f"Assets that failed to load: {failed_assets}"
