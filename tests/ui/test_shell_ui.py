"""The navbar as the browser draws it (issue 18): the page open is marked, and every link reads
at WCAG AA contrast on the navbar's computed background (Bootstrap's own colours included)."""

from __future__ import annotations

import re

from tests.test_shell import contrast


def _hex(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_the_navbar_marks_the_page_and_reads_at_aa(page):
    page.open("/funds")
    # the shell's callback marks the link; dcc.Link shows no loading marker, so wait for the mark itself
    page.page.wait_for_selector(".shell-navbar .nav-link.active", timeout=30_000)
    drawn = page.page.evaluate("""() => {
        const bar = document.querySelector('.shell-navbar');
        const links = [...bar.querySelectorAll('.nav-link')];
        return {
            background: getComputedStyle(bar).backgroundColor,
            links: links.map(a => ({text: a.innerText, color: getComputedStyle(a).color, active: a.classList.contains('active')})),
        };
    }""")
    background = _hex(drawn["background"])
    assert [link["text"] for link in drawn["links"] if link["active"]] == ["维修资金"]
    for link in drawn["links"]:
        assert contrast(_hex(link["color"]), background) >= 4.5, (link, background)
