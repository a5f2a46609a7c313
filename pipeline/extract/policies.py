"""Cited policies: every 《…》 title (GUIDELINES §3)."""

from __future__ import annotations

import re
from functools import cache

from pipeline.resources import load_yaml
from pipeline.textview import TextView
from schemas import CitedPolicy, Mention

# 《…》 with nested 〈…〉 (or nested 《…》 written by sloppy sources) inside.
_TITLE_RE = re.compile(r"《((?:[^《》\n]|〈[^〈〉\n]*〉){1,120})》")
_SHORT_NAME_RE = re.compile(r"^\s*[(（]\s*以下简称\s*《([^《》\n]{1,20})》\s*[)）]")


@cache
def _not_policy_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_yaml("policies.yaml")["not_policy"])


def clean_title(title: str) -> str:
    return title.replace("〈", "").replace("〉", "").strip()


def extract_policies(view: TextView) -> list[CitedPolicy]:
    text, norm = view.text, view.norm
    by_name: dict[str, CitedPolicy] = {}
    short_to_full: dict[str, str] = {}
    for match in _TITLE_RE.finditer(norm):
        name = clean_title(text[match.start(1) : match.end(1)])
        name_norm = clean_title(match.group(1))
        mention = Mention(
            start=match.start(), end=match.end(), text=match.group(0) and text[match.start() : match.end()]
        )
        if name_norm in short_to_full:
            by_name[short_to_full[name_norm]].mentions.append(mention)
            continue
        if any(p.search(name_norm) for p in _not_policy_res()):
            continue
        if short := _SHORT_NAME_RE.match(norm, match.end()):
            short_to_full[short.group(1)] = name
        if name in by_name:
            by_name[name].mentions.append(mention)
            continue
        by_name[name] = CitedPolicy(
            name=name, start=match.start(), end=match.end(), evidence=mention.text, mentions=[mention]
        )
    for short, full in short_to_full.items():
        by_name[full].short_names.append(short)
    return list(by_name.values())
