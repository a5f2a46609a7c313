"""Words for people: counts with the right plural ("1 document", "2 documents")."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``, ``1,234 policies`` (``many`` for irregular plurals)."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
