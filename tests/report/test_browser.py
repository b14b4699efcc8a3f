"""report.html in headless Chromium: no console message, every image loaded, and no Latin
variable names left in the Chinese version (checked against the label table)."""

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import pytest

from relforecast.graphics.labels import LABELS, LATIN_ALLOWED, latin_words


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


pytestmark = pytest.mark.skipif(
    chromium() is None,
    reason="headless Chromium not installed (apt-get install chromium); .ci/run installs it",
)


class VisibleText(HTMLParser):
    """Text a reader sees: element text and image alternatives, not scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "img":
            self.parts += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def open_in_chromium(path):
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                chromium(),
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
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                path.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console, proc.stderr


def test_english_report_loads_every_image_without_console_messages(demo_report):
    out, _, _ = demo_report
    dom, console, stderr = open_in_chromium(out / "report.html")
    assert 'data-images-loaded="6/6"' in dom, stderr[-800:]
    assert console == []


def test_chinese_report_in_the_browser(demo_report_zh):
    out, _ = demo_report_zh
    dom, console, stderr = open_in_chromium(out / "report.html")
    assert 'data-images-loaded="6/6"' in dom, stderr[-800:]
    assert console == []
    parser = VisibleText()
    parser.feed(dom)
    text = " ".join(parser.parts)
    assert "形势展望" in text and "可信程度" in text
    left = latin_words(text) - LATIN_ALLOWED
    assert not left, f"Latin words in the Chinese report: {sorted(left)}"
    # and none of the English label texts survives
    english = {w for v in LABELS["en"].values() for w in latin_words(v) if len(w) > 3}
    assert not (latin_words(text) & english - LATIN_ALLOWED)
