"""Cleaning and keys of what commenters type."""

import hashlib
import re
import unicodedata

_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def clean(value: str, *, multiline: bool = True) -> str:
    """Control characters and direction overrides out; line ends unified.
    NUL is refused by the form before this (and by the project middleware)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI)
    out = []
    for ch in value:
        if ch == "\n":
            out.append("\n" if multiline else " ")
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) != "Cc":
            out.append(ch)
    text = "".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def content_key(text: str) -> str:
    """Same words, different spaces or punctuation → same key (duplicates)."""
    normal = _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())
    return hashlib.sha256(normal.encode()).hexdigest()


def link_count(text: str) -> int:
    return len(_LINK.findall(text))


def client_key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
