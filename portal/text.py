"""What people type: cleaned before it is stored, counted for links, shown safely.

Stored: `clean_text` (NFC, Unix line breaks, no invisible or control characters).
Counted: `count_links` with `URL_PATTERN` (the noticeboard's link limit for new posters).
Shown: `linkify` and `plain`. Never raw HTML: every character is escaped before anything
is added, and only http(s) addresses become links (so no javascript: or data: URL ever does).
"""

import re
import unicodedata

from markupsafe import Markup, escape

# Zero-width and direction-changing characters: invisible, and a way to disguise text.
INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x061C, 0x200E, 0x200F]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)

# A web address as people type it, in raw text (what the link limit counts).
URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


def clean_text(text: str | None) -> str:
    """What we store: NFC, Unix line breaks, no invisible or direction-changing characters."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    # Bidirectional overrides and invisible characters let a title pretend to be something
    # else on screen ("gpj.exe"), or hide a blocked word ("ar\u200bnaque").
    text = text.translate(INVISIBLE)
    # Other control characters have no place in what people post (tabs and line breaks stay).
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def count_links(*texts: str | None) -> int:
    """How many web addresses the texts contain."""
    return sum(len(URL_PATTERN.findall(text or "")) for text in texts)


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
