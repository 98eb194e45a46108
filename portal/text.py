"""Showing what people typed: escaped first, then line breaks and web links added.

Never raw HTML: every character is escaped before anything is added, and only
http(s) addresses become links (so no javascript: or data: URL ever does).
"""

import re

from markupsafe import Markup, escape

# Zero-width and direction-changing characters: invisible, and a way to disguise text.
INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x061C, 0x200E, 0x200F]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)

# Matched on the escaped text: it stops at spaces and at escaped quotes and brackets.
_LINK = re.compile(r"\b(https?://|www\.)[^\s&<>]+(?:&amp;[^\s&<>]+)*", re.IGNORECASE)
_TRAILING = ".,;:!?)»"


def _link(match: re.Match, rel: str) -> str:
    text = match.group(0)
    tail = ""
    while text and text[-1] in _TRAILING:
        tail = text[-1] + tail
        text = text[:-1]
    href = text if text.lower().startswith("http") else "https://" + text
    return f'<a href="{href}" rel="{rel}">{text}</a>{tail}'


def linkify(value: str | None, ugc: bool = True) -> Markup:
    """Plain text to safe HTML: escaped, web links, line breaks kept.

    Residents' text (ugc) gets rel="nofollow ugc": search engines must not count it.
    """
    rel = "nofollow ugc noopener" if ugc else "nofollow noopener"
    text = str(value or "").translate(INVISIBLE)
    escaped = str(escape(text))
    linked = _LINK.sub(lambda match: _link(match, rel), escaped)
    return Markup(linked.replace("\r\n", "\n").replace("\n", "<br>\n"))


def plain(value: str | None) -> str:
    """A title as text: the invisible and direction-changing characters removed (escaping is Jinja's)."""
    return str(value or "").translate(INVISIBLE)
