"""Matching the articles of two versions and showing what changed.

Articles are matched first by text (the best pairs above ``MATCH_RATIO``,
greedily, so an article that moved because one was inserted before it is
recognised as renumbered, not as a deletion plus an addition), then by
number for what is left (same number, enough text in common: modified).
The rest are removed (old) or added (new). A character-level diff suits
Chinese, which has no spaces between words.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape

from .models import ChangeKind

MATCH_RATIO = 0.6  # text alone is enough to call two articles the same
SAME_NUMBER_RATIO = 0.3  # with the same number, less text in common is enough


@dataclass
class Match:
    old: object | None
    new: object | None
    kind: str
    similarity: float


def ratio(a: str, b: str, floor: float = 0.0) -> float:
    """Similarity in [0, 1]; below ``floor`` the cheap upper bounds answer
    (0.0) without the full comparison (a 200-article law is 40,000 pairs)."""
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if floor and (matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor):
        return 0.0
    return matcher.ratio()


def match_articles(old_articles: list, new_articles: list) -> list[Match]:
    """``old_articles``/``new_articles``: objects with ``number`` and ``text``."""
    pairs = []
    for i, old in enumerate(old_articles):
        for j, new in enumerate(new_articles):
            r = ratio(old.text, new.text, MATCH_RATIO)
            if r >= MATCH_RATIO:
                # Prefer the higher ratio; on a tie, the same number.
                pairs.append((r, old.number == new.number, i, j))
    pairs.sort(key=lambda p: (-p[0], not p[1], p[2], p[3]))
    old_of: dict[int, tuple[int, float]] = {}
    used_old: set[int] = set()
    for r, _same, i, j in pairs:
        if i in used_old or j in old_of:
            continue
        used_old.add(i)
        old_of[j] = (i, r)
    by_number = {old.number: i for i, old in enumerate(old_articles) if i not in used_old}
    for j, new in enumerate(new_articles):
        if j in old_of:
            continue
        i = by_number.get(new.number)
        if i is not None and i not in used_old:
            r = ratio(old_articles[i].text, new.text)
            if r >= SAME_NUMBER_RATIO:
                used_old.add(i)
                old_of[j] = (i, r)
    result: list[Match] = []
    for j, new in enumerate(new_articles):
        if j in old_of:
            i, r = old_of[j]
            old = old_articles[i]
            if old.number != new.number:
                kind = ChangeKind.RENUMBERED
            elif old.text == new.text:
                kind = ChangeKind.UNCHANGED
            else:
                kind = ChangeKind.MODIFIED
            result.append(Match(old, new, kind, r))
        else:
            result.append(Match(None, new, ChangeKind.ADDED, 0.0))
    # Removed articles go where they stood: after the new article that
    # follows the old one before them.
    removed = [i for i in range(len(old_articles)) if i not in used_old]
    for i in removed:
        pos = 0
        for k, m in enumerate(result):
            if m.old is not None and old_articles.index(m.old) < i:
                pos = k + 1
        result.insert(pos, Match(old_articles[i], None, ChangeKind.REMOVED, 0.0))
    return result


def diff_html(old: str, new: str) -> str:
    """Inline diff: deletions in <del>, insertions in <ins>, the rest escaped."""
    out = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(old[a1:a2]))
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return "".join(out).replace("\n", "<br>")
