"""Programmes: named initiatives a document commits to (GUIDELINES §3)."""

from __future__ import annotations

import re

from pipeline.textview import TextView
from schemas import Mention, Programme

_QUOTED_RE = re.compile(r"“(?P<name>[^“”\n]{2,20})”(?P<head>行动|工程|计划|制度|品牌)?")


def extract_programmes(view: TextView) -> list[Programme]:
    by_name: dict[str, Programme] = {}
    for match in _QUOTED_RE.finditer(view.norm):
        name = view.text[match.start("name") : match.end("name")] + (match.group("head") or "")
        mention = Mention(start=match.start(), end=match.end(), text=view.text[match.start() : match.end()])
        if name in by_name:
            by_name[name].mentions.append(mention)
            continue
        by_name[name] = Programme(
            name=name,
            start=mention.start,
            end=mention.end,
            evidence=mention.text,
            mentions=[mention],
            rule="quoted",
        )
    return list(by_name.values())
