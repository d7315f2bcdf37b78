"""The HTML report as a person sees it: rendered by a real headless browser (chromium).

CI installs Debian's chromium (.ci/run); without it these tests skip and say why.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kamcore.data import demo
from kamcore.report import ReportInput, build_report, render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (CI installs it: apt-get install chromium)"
)

_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def _chromium(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _console_messages(stderr: str) -> list[str]:
    """The page's console messages as chromium logs them (``INFO:CONSOLE...] "text", source``)."""
    return re.findall(r":CONSOLE[^\]]*\] (.*)", stderr)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    report = build_report(ReportInput.from_demo(demo()))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return report, path


def test_console_capture_sees_an_error_when_there_is_one(tmp_path):
    # the control: proves the capture below would catch a console error
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><p>x</p><script>console.error('kamcore-probe')</script>"
        "</body></html>",
        encoding="utf-8",
    )
    out = _chromium(bad, "--dump-dom")
    assert any("kamcore-probe" in m for m in _console_messages(out.stderr))


def test_browser_renders_every_section_and_chart_without_console_errors(page):
    report, path = page
    out = _chromium(path, "--dump-dom")
    assert out.returncode == 0, out.stderr[-2000:]
    dom = out.stdout
    assert _console_messages(out.stderr) == []
    for section in report.sections:
        assert f'<section id="{section.key}">' in dom
        assert f"<h2>{section.title}</h2>" in dom.replace("&amp;", "&")
        for chart in section.charts:
            # the chart is in the rendered DOM as an inline SVG with drawn paths
            m = re.search(rf'<figure data-chart="{chart.key}"><svg.*?</svg>', dom, flags=re.S)
            assert m is not None, chart.key
            assert m.group(0).count("<path") > 5
    for table in (t for s in report.sections for t in s.tables if t.n_rows):
        assert f'data-table="{table.key}"' in dom
    assert "<script" not in dom


def test_screenshot_is_a_real_image(page, tmp_path):
    _, path = page
    shot = tmp_path / "shot.png"
    out = _chromium(path, "--hide-scrollbars", "--window-size=1280,1600", f"--screenshot={shot}")
    assert out.returncode == 0, out.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 50_000  # a page of text and charts, not a blank image
