"""Cleaning what residents type: control characters, direction overrides,
line ends. HTML is kept as text (the templates escape it)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_NUL = _("内容里有无法识别的特殊字符，请删掉后再提交。")

# Bidirectional overrides/isolates can make text display differently from
# what was stored (e.g. reversed phone numbers or names).
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Strip control characters (keeping newlines in multi-line text) and
    surrounding blanks; refuse NUL, which PostgreSQL cannot store."""
    if value is None:
        return ""
    if "\x00" in value:
        raise ValidationError(MSG_NUL, code="nul")
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI)
    out = []
    for ch in value:
        if ch == "\n":
            out.append("\n" if multiline else " ")
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    text = "".join(out)
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = _MANY_BLANK_LINES.sub("\n\n", text)
    else:
        text = re.sub(r" {2,}", " ", text)
    return text.strip()


def title_from(content: str, limit: int = 30) -> str:
    """A case title from the first line of what the resident wrote."""
    first = next((line.strip() for line in content.split("\n") if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"
