"""Static files and templates keep within what the Content-Security-Policy allows."""

import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def test_stylesheet_blocks_are_balanced():
    # An unclosed block (an easy slip when two features add CSS) silently swallows the rest.
    css = re.sub(r"/\*.*?\*/", "", (PORTAL / "static/css/comptoir.css").read_text(), flags=re.S)
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"unexpected }} on line {number}"
    assert depth == 0


def test_templates_have_no_inline_scripts_styles_or_handlers():
    offenders = []
    for template in PORTAL.glob("templates/**/*.html"):
        html = template.read_text()
        # JSON-LD is data for search engines, never run: the only <script> without src allowed.
        scripts = re.sub(
            r'<script type="application/ld\+json">\{\{ [a-z_]+\([a-z_, ]*\)\|tojson \}\}</script>', "", html
        )
        if re.search(r"<script(?![^>]*\bsrc=)", scripts) or re.search(r"\sstyle=\"", html):
            offenders.append(template.name)
        if re.search(r"\son[a-z]+=\"", html) or "javascript:" in html:
            offenders.append(template.name)
    assert offenders == []
