"""Cited policies: every 《…》 title that names a policy document (GUIDELINES §3).

A bare short name (《意见》, 《方案》) resolves to the title it abbreviates: the one defined by
``(以下简称《…》)``, else the last title before it ending in that word (bracketed, or an
unbracketed ``关于…的实施意见`` after a verb of issuing), else the document's own title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.resources import ResourceError, load_yaml
from pipeline.textview import TextView, matching_form
from schemas import CitedPolicy, Mention

# 《…》 with nested 〈…〉 (or nested 《…》 written by sloppy sources) inside.
TITLE_RE = re.compile(r"《((?:[^《》\n]|〈[^〈〉\n]*〉|《[^《》\n]*》){1,160})》")
_BRACKETS_RE = re.compile(r"[《》〈〉]")
_EDITION_RE = re.compile(r"(\([^()]{1,20}\))+$")


@dataclass(frozen=True)
class PolicyPatterns:
    policy_head: re.Pattern[str]
    not_policy: tuple[re.Pattern[str], ...]
    generic_short: re.Pattern[str]
    short_name_definition: re.Pattern[str]
    issued_title: re.Pattern[str]


@cache
def policy_patterns() -> PolicyPatterns:
    data = load_yaml("policies.yaml")
    try:
        return PolicyPatterns(
            policy_head=re.compile(data["policy_head"]),
            not_policy=tuple(re.compile(p) for p in data["not_policy"]),
            generic_short=re.compile(data["generic_short"]),
            short_name_definition=re.compile(data["short_name_definition"]),
            issued_title=re.compile(data["issued_title"]),
        )
    except (KeyError, re.error) as exc:
        raise ResourceError(f"policies.yaml: {exc}") from exc


def clean_title(title: str) -> str:
    """The title without brackets: nested 〈〉 (or 《》) become bracket-free text."""
    return _BRACKETS_RE.sub("", title).strip()


def is_policy_title(title_norm: str) -> bool:
    patterns = policy_patterns()
    return bool(patterns.policy_head.search(title_norm)) and not any(
        p.search(title_norm) for p in patterns.not_policy
    )


@dataclass
class _Earlier:
    """A full title seen so far, for resolving a later bare short name."""

    start: int
    end: int
    name: str
    norm: str
    bracketed: bool


def _without_edition(title_norm: str) -> str:
    """The title before its bracketed period or edition: …行动方案(2023-2025年) → …行动方案."""
    return _EDITION_RE.sub("", title_norm)


def _resolve_generic(
    short: str, before: int, earlier: list[_Earlier], doc_title: str | None
) -> _Earlier | str | None:
    candidates = [e for e in earlier if e.end <= before and _without_edition(e.norm).endswith(short)]
    if candidates:
        return max(candidates, key=lambda e: e.end)
    if doc_title and _without_edition(clean_title(matching_form(doc_title))).endswith(short):
        return clean_title(doc_title)
    return None


def extract_policies(view: TextView, doc_title: str | None = None) -> list[CitedPolicy]:
    text, norm = view.text, view.norm
    patterns = policy_patterns()
    by_name: dict[str, CitedPolicy] = {}
    short_to_full: dict[str, str] = {}
    earlier = [
        _Earlier(
            m.start("title"),
            m.end("title"),
            clean_title(text[m.start("title") : m.end("title")]),
            clean_title(m.group("title")),
            bracketed=False,
        )
        for m in patterns.issued_title.finditer(norm)
    ]

    def add(name: str, mention: Mention, short: str | None = None) -> None:
        policy = by_name.get(name)
        if policy is None:
            policy = by_name[name] = CitedPolicy(
                name=name, start=mention.start, end=mention.end, evidence=mention.text, mentions=[]
            )
        policy.mentions.append(mention)
        if short and short not in policy.short_names:
            policy.short_names.append(short)

    for match in TITLE_RE.finditer(norm):
        name = clean_title(text[match.start(1) : match.end(1)])
        name_norm = clean_title(match.group(1))
        mention = Mention(start=match.start(), end=match.end(), text=text[match.start() : match.end()])
        if name_norm in short_to_full:
            add(short_to_full[name_norm], mention, name_norm)
            continue
        if patterns.generic_short.match(name_norm):
            target = _resolve_generic(name_norm, match.start(), earlier, doc_title)
            if isinstance(target, _Earlier):
                if not target.bracketed and target.name not in by_name:
                    # the unbracketed title as written is the policy's first mention
                    add(
                        target.name,
                        Mention(start=target.start, end=target.end, text=text[target.start : target.end]),
                    )
                add(target.name, mention, name_norm)
            elif target:
                add(target, mention, name_norm)
            continue
        if not is_policy_title(name_norm):
            continue
        add(name, mention)
        earlier.append(_Earlier(match.start(), match.end(), name, name_norm, bracketed=True))
        if definition := patterns.short_name_definition.match(norm, match.end()):
            short_to_full[definition.group("short")] = name
    return list(by_name.values())
