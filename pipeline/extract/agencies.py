"""Agencies: bodies that issue the document or are responsible for its work (GUIDELINES §3)."""

from __future__ import annotations

import re

from pipeline.textview import TextView
from schemas import Agency, Mention

_ISSUER_RE = re.compile(r"^(?P<name>\S{2,20}?(?:人民政府|人民政府办公厅))关于")


def extract_agencies(view: TextView) -> list[Agency]:
    match = _ISSUER_RE.search(view.norm)
    if not match:
        return []
    text = view.text[match.start("name") : match.end("name")]
    mention = Mention(start=match.start("name"), end=match.end("name"), text=text)
    return [
        Agency(
            name=text, role="issuer", start=mention.start, end=mention.end, evidence=text, mentions=[mention]
        )
    ]
