"""Showing what residents typed: escaped first, then line breaks and web links added.

Never raw HTML: every character of the notice is escaped before anything is added,
and only http(s) addresses become links (so no javascript: or data: URL ever does).
"""

import re

from markupsafe import Markup, escape

from ..moderation.services import INVISIBLE

# Matched on the escaped text: it stops at spaces and at escaped quotes and brackets.
_LINK = re.compile(r"\b(https?://|www\.)[^\s&<>]+(?:&amp;[^\s&<>]+)*", re.IGNORECASE)
_TRAILING = ".,;:!?)»"


def _link(match: re.Match) -> str:
    text = match.group(0)
    tail = ""
    while text and text[-1] in _TRAILING:
        tail = text[-1] + tail
        text = text[:-1]
    href = text if text.lower().startswith("http") else "https://" + text
    return f'<a href="{href}" rel="nofollow ugc noopener" target="_blank">{text}</a>{tail}'


def linkify(value: str | None) -> Markup:
    """Plain text to safe HTML: escaped, links with rel="nofollow ugc", line breaks kept."""
    text = str(value or "").translate(INVISIBLE)
    escaped = str(escape(text))
    linked = _LINK.sub(_link, escaped)
    return Markup(linked.replace("\r\n", "\n").replace("\n", "<br>\n"))


def plain(value: str | None) -> str:
    """A title as text: the invisible and direction-changing characters removed (escaping is Jinja's)."""
    return str(value or "").translate(INVISIBLE)
