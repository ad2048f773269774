"""Reading a draft law into 章/节/条/款.

Chinese legislative drafting (《立法技术规范》) numbers chapters, sections and
articles with Chinese numerals: 第一章, 第二节, 第二十一条, 第一百零二条. An
article's first paragraph follows the number on the same line; every later
line up to the next heading is another 款 (paragraph), including the items
（一）（二）… which stay inside their 款 line. Text before the first heading
is the preamble (title, dates); it is kept but is not an article.
"""

import io
import re
from dataclasses import dataclass, field

import docx
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_NO_ARTICLES = _("没有找到任何条文。每一条应以“第一条”“第二条”这样的编号开头。")
MSG_BAD_DOCX = _("这个文件打不开，请上传 Word 的 .docx 文件，或把全文粘贴到文本框里。")

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "零〇○一二两三四五六七八九十百千0-9０-９"

_HEADING = re.compile(rf"^第\s*([{NUMERAL}]+)\s*(章|节|条)(?:\s+|　|(?=\S))?(.*)$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def chinese_to_int(text: str) -> int:
    """一 → 1, 十 → 10, 二十一 → 21, 一百零二 → 102, 一千零一 → 1001; Arabic
    digits (also full-width) are accepted as they are."""
    text = text.strip().translate(_FULLWIDTH)
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]  # 十 alone is 10
            current = 0
        else:
            raise ValueError(f"not a numeral: {text}")
    return total + current


def int_to_chinese(n: int) -> str:
    """The inverse, for labels: 21 → 二十一, 102 → 一百零二, 10 → 十."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    out = []
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit_value)
        if q:
            out.append(digits[q] + unit)
        elif out and n:
            if not out[-1].endswith("零"):
                out.append("零")
    if n:
        out.append(digits[n])
    text = "".join(out)
    return text.rstrip("零")


def article_label(number: int) -> str:
    return f"第{int_to_chinese(number)}条"


@dataclass
class ParsedArticle:
    number: int
    label: str
    paragraphs: list[str]
    chapter: str = ""
    section: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedHeading:
    kind: str  # "chapter" | "section"
    number: int
    label: str
    title: str


@dataclass
class ParsedDraft:
    preamble: list[str] = field(default_factory=list)
    items: list = field(default_factory=list)  # ParsedHeading and ParsedArticle in order

    @property
    def articles(self) -> list[ParsedArticle]:
        return [item for item in self.items if isinstance(item, ParsedArticle)]


def _lines(text: str) -> list[str]:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def parse_text(text: str) -> ParsedDraft:
    """Parse pasted text. Raises ValidationError when no article is found."""
    draft = ParsedDraft()
    chapter = section = ""
    current: ParsedArticle | None = None
    for line in _lines(text):
        if not line:
            continue
        match = _HEADING.match(line)
        number = None
        if match:
            try:
                number = chinese_to_int(match.group(1))
            except ValueError:
                number = None
        if match and number:
            kind, rest = match.group(2), match.group(3).strip()
            label = f"第{match.group(1)}{kind}"
            if kind == "条":
                current = ParsedArticle(number=number, label=label, paragraphs=[rest] if rest else [], chapter=chapter, section=section)
                draft.items.append(current)
                continue
            current = None
            if kind == "章":
                chapter, section = f"{label} {rest}".strip(), ""
                draft.items.append(ParsedHeading("chapter", number, label, rest))
            else:
                section = f"{label} {rest}".strip()
                draft.items.append(ParsedHeading("section", number, label, rest))
            continue
        if current is not None:
            current.paragraphs.append(line)
        elif not draft.items:
            draft.preamble.append(line)
        # A loose line between a heading and the first article (rare) is kept
        # as part of the heading's title.
        elif isinstance(draft.items[-1], ParsedHeading):
            draft.items[-1].title = f"{draft.items[-1].title} {line}".strip()
    if not draft.articles:
        raise ValidationError(MSG_NO_ARTICLES, code="no_articles")
    return draft


def docx_to_text(fileobj) -> str:
    """The paragraphs (and table cells) of a .docx, one per line."""
    data = fileobj.read()
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a damaged upload
        raise ValidationError(MSG_BAD_DOCX, code="bad_docx") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


_PREFIX = re.compile(rf"^\s*第\s*([{NUMERAL}]+)\s*条\s*[:：,，、.．\s]\s*(.+)$", re.S)


def split_article_prefix(line: str) -> tuple[int | None, str]:
    """ "第五条：应当……" → (5, "应当……"); a line without a number → (None, line)."""
    match = _PREFIX.match(line)
    if match:
        try:
            return chinese_to_int(match.group(1)), match.group(2).strip()
        except ValueError:
            pass
    return None, line.strip()
