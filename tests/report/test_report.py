"""The comparison report: self-contained, renders in headless Chromium, asks the network nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hinterland.runs import expansion_study

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("study")
    res = expansion_study(["VT"], new_hubs=2, days=1, replications=2, out_dir=out)
    return Path(res["report"])


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert text.count("data:image/png;base64,") >= 5  # maps and charts inline
    for heading in ("Headline", "Maps and charts", "By rurality", "Assumptions"):
        assert heading in text


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                    "(.ci/run installs it)")
def test_report_renders_in_chromium_without_requests(report: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 2000})

        def watch(request: object) -> None:
            url = str(getattr(request, "url", ""))
            if not url.startswith(("file://", "data:")):
                outside.append(url)

        page.on("request", watch)
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert len(images) >= 5
    assert all(ok and w > 100 and h > 100 for ok, w, h in images), images
    assert outside == []
    assert shot.stat().st_size > 10_000
