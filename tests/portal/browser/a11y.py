"""Accessibility checks run in the page: text contrast (WCAG 2.1 AA) and the basics of landmarks and labels."""

from pathlib import Path

from playwright.sync_api import Page

HERE = Path(__file__).resolve().parent
CONTRAST_JS = (HERE / "a11y_contrast.js").read_text(encoding="utf-8")
STRUCTURE_JS = (HERE / "a11y_structure.js").read_text(encoding="utf-8")


def assert_accessible_basics(page: Page) -> None:
    problems = page.evaluate(STRUCTURE_JS)
    assert problems == [], problems
    failures = page.evaluate(CONTRAST_JS)
    assert failures == [], failures
