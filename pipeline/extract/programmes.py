"""Programmes: named initiatives a document commits to (GUIDELINES §3).

Two passes over the text (with 《…》 titles masked, since a title is a policy, not a programme):

- **quoted**: “…” names, judged by what follows (a head word → 领跑者行动, 品牌 → a brand,
  企业 → a label) or by a trigger verb before them (打造“现代产业先行城市”); regional brands
  (place + 制造/标准/服务…) always count; slogans and numbers (“六个城市”, “十四五”) never do.
- **unquoted**: names ending in a head word (…专项行动, …试点城市, …制度, …奖), whose left edge is
  a trigger verb, a stop word or punctuation, in a clause with a trigger verb (awards and
  headings need none). A list sharing one head (首席质量官、首席品牌官制度) is distributed when
  its items are parallel (same opening), else read as one name (消费品增品种、提品质、创品牌专项行动).

Word lists and patterns: ``resources/zh/programmes.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.extract.document_fields import provincial_names
from pipeline.extract.policies import TITLE_RE
from pipeline.resources import ResourceError, expand_references, guarded_compile, load_yaml
from pipeline.textview import TextView
from schemas import Mention, Programme
from schemas.models import ProgrammeType

_MAX_NAME_CHARS = 24
_MAX_LIST_ITEM_CHARS = 12
_MAX_LIST_ITEMS = 5
_PARALLEL_PREFIX = 2
_VALID_TYPES = ("brand", "campaign", "project", "system", "pilot", "award", "label", "other")
_CLAUSE_END = "，,。；;：:\n！!？?"
_CLAUSE_END_RE = re.compile("[" + re.escape(_CLAUSE_END) + "]")  # one character per match
_QUOTES_RE = re.compile(r"[“”\"「」『』\s]")
# Straight and corner quotes, paired, read as curly ones (same length, so offsets hold).
_OTHER_QUOTES_RE = re.compile(r'"([^"\n]{1,40})"|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』')


@dataclass(frozen=True)
class ProgrammeResources:
    heads: dict[str, ProgrammeType]
    head_re: re.Pattern[str]
    quoted_only_heads: frozenset[str]
    variant_suffixes: dict[str, str]
    min_core: dict[str, int]
    compiled: dict[str, re.Pattern[str]]
    heads_longest_first: tuple[str, ...]
    trigger_re: re.Pattern[str]
    trigger_end_re: re.Pattern[str]
    strong_trigger_end_re: re.Pattern[str]
    # the place names (full and short, no country) and a brand word ending a name: a regional
    # brand is the one, then the other (青岛制造: _regional_brand)
    place_names: frozenset[str]
    brand_word_end_re: re.Pattern[str]
    known_label_re: re.Pattern[str]
    # the lengths of the head words, shortest first: a name ends in at most one head of each
    # length, so its heads are found by slicing its tail, not by trying every head
    head_lengths: tuple[int, ...]


@cache
def programme_resources() -> ProgrammeResources:
    data = load_yaml("programmes.yaml")
    heads: dict[str, ProgrammeType] = {}
    for head, kind in data["heads"].items():
        if kind not in _VALID_TYPES:
            raise ResourceError(
                f"programmes.yaml: head {head!r} has unknown type {kind!r}; valid: {_VALID_TYPES}"
            )
        heads[str(head)] = kind
    fragments = expand_references({str(k): str(v) for k, v in data["patterns"].items()}, "programmes.yaml")
    compiled: dict[str, re.Pattern[str]] = {}
    try:
        for key, body in fragments.items():
            if key.endswith("_RE"):
                compiled[key] = guarded_compile(body)
        trigger_re = guarded_compile(fragments["TRIGGER"])
        trigger_end_re = guarded_compile(f"(?:{fragments['TRIGGER']})$")
        strong_end_re = guarded_compile(
            f"(?:{fragments['STRONG_TRIGGER']})(?P<gap>{fragments['STRONG_TRIGGER_GAP']})$"
        )
    except re.error as exc:
        raise ResourceError(f"programmes.yaml: a pattern does not compile: {exc}") from exc
    min_core = {str(k): int(v) for k, v in data["min_core"].items()}
    if "default" not in min_core or not set(min_core) - {"default"} <= set(_VALID_TYPES):
        raise ResourceError(
            f"programmes.yaml: min_core needs 'default' and known types; valid: {_VALID_TYPES}"
        )
    quoted_only = frozenset(data["quoted_only_heads"])
    if unknown := quoted_only - heads.keys():
        raise ResourceError(f"programmes.yaml: quoted_only_heads not in heads: {sorted(unknown)}")
    heads_longest_first = tuple(sorted(heads, key=len, reverse=True))
    head_alternatives = "|".join(re.escape(h) for h in heads_longest_first)
    place_names = frozenset(provincial_names())
    return ProgrammeResources(
        heads=heads,
        head_re=re.compile(head_alternatives),
        quoted_only_heads=quoted_only,
        variant_suffixes={str(k): str(v) for k, v in data["variant_suffixes"].items()},
        min_core=min_core,
        compiled=compiled,
        heads_longest_first=heads_longest_first,
        trigger_re=trigger_re,
        trigger_end_re=trigger_end_re,
        strong_trigger_end_re=strong_end_re,
        place_names=place_names,
        brand_word_end_re=re.compile(f"(?:{fragments['BRAND_WORD']})$"),
        known_label_re=re.compile("|".join(re.escape(str(label)) for label in data["known_labels"])),
        head_lengths=tuple(sorted({len(head) for head in heads})),
    )


@dataclass
class _Candidate:
    name: str
    type: ProgrammeType
    start: int
    end: int
    rule: str


def _mask_titles(norm: str) -> str:
    """The text rules read: 《…》 titles become ``|`` runs (a title is a policy, not a
    programme) and "…" 「…」 quotes become “…”; the length never changes."""
    curly = norm
    # (three one-character tests cost far less than a scan for a choice of openings)
    if '"' in norm or "「" in norm or "『" in norm:
        curly = _OTHER_QUOTES_RE.sub(lambda m: "“" + next(g for g in m.groups() if g is not None) + "”", norm)
    return TITLE_RE.sub(lambda m: "|" * len(m.group(0)), curly)


@lru_cache(maxsize=1)
def _reversed(masked: str) -> str:
    """The (one) document being read, back to front: both passes ask for the clause start of
    each name, found as the first clause end in the reversed text (a C-speed scan of a few
    characters) rather than by rescanning the text before it or listing every clause end."""
    return masked[::-1]


def _clause_start(masked: str, position: int) -> int:
    mark = _CLAUSE_END_RE.search(_reversed(masked), len(masked) - position)
    return len(masked) - mark.start() if mark else 0


def _left_edge(masked: str, position: int, min_chars: int = 1) -> tuple[int, str]:
    """Where a name ending at ``position`` starts, and what stopped it (trigger/stop/punct/none).

    A trigger word that would leave fewer than ``min_chars`` characters is part of the name
    (实施品牌培育行动: 培育 belongs to the name, 实施 starts it).
    """
    res = programme_resources()
    window_start = max(0, position - _MAX_NAME_CHARS)
    boundaries = list(res.compiled["NAME_LEFT_BOUNDARY_RE"].finditer(masked, window_start, position))
    for boundary in reversed(boundaries):
        kind = boundary.lastgroup or "punct"
        core = _QUOTES_RE.sub("", masked[boundary.end() : position])
        if kind == "trigger" and len(core) < min_chars:
            continue
        return boundary.end(), kind
    return window_start, "none" if window_start > 0 else "punct"


def _heads_ending(name: str) -> list[str]:
    """The head words ``name`` ends with, shortest first."""
    heads = programme_resources().heads
    return [
        tail
        for length in programme_resources().head_lengths
        if length <= len(name) and (tail := name[-length:]) in heads
    ]


@lru_cache(maxsize=1024)
def _min_chars_before(head: str) -> int:
    """Characters the name needs before ``head`` (a long head such as 提升行动 counts in part)."""
    res = programme_resources()
    shortest = _heads_ending(head)[0]
    minimum = res.min_core.get(res.heads[head], res.min_core["default"])
    return max(1, minimum - (len(head) - len(shortest)))


def _ends_with_head(segment: str) -> bool:
    res = programme_resources()
    return any(head not in res.quoted_only_heads for head in _heads_ending(segment))


@lru_cache(maxsize=16384)  # pure, and names recur through a document and a corpus
def _canonical(name: str) -> str:
    name = _QUOTES_RE.sub("", name).strip("、")
    for variant, replacement in programme_resources().variant_suffixes.items():
        if name.endswith(variant):
            name = name[: -len(variant)] + replacement
    return name


@lru_cache(maxsize=16384)
def _core(name: str) -> str:
    """The name without its shortest head word (质量提升行动 → 质量提升)."""
    heads = _heads_ending(name)
    return name[: -len(heads[0])] if heads else name


def _acceptable(core: str, head: str) -> bool:
    res = programme_resources()
    minimum = res.min_core.get(res.heads[head], res.min_core["default"])
    return len(core) >= minimum and not res.compiled["GENERIC_CORE_RE"].match(core)


def _is_heading(masked: str, start: int, end: int) -> bool:
    line_start = masked.rfind("\n", 0, start) + 1
    line_end = masked.find("\n", end)
    rest = masked[end : line_end if line_end >= 0 else len(masked)]
    prefix = masked[line_start:start]
    heading_mark = programme_resources().compiled["HEADING_MARK_RE"]
    return not rest.strip() and (not prefix.strip() or bool(heading_mark.fullmatch(prefix)))


def _unquoted(masked: str) -> list[_Candidate]:
    res = programme_resources()
    follow = res.compiled["HEAD_FOLLOW_RE"]
    found: list[_Candidate] = []
    for match in res.head_re.finditer(masked):
        head = match.group(0)
        if head in res.quoted_only_heads or not follow.match(masked, match.end()):
            continue
        if match.start() > 0 and masked[match.start() - 1] == "”":
            continue  # “领跑者”行动: the quoted pass owns it
        start, kind = _left_edge(masked, match.start(), _min_chars_before(head))
        if kind == "none":
            continue
        if start > 0 and masked[start - 1] == "“" and masked[match.end() : match.end() + 1] == "”":
            continue  # the whole name is in quotes: the quoted pass owns it
        items = [(start, match.start())]
        while kind == "punct" and start > 0 and masked[start - 1] == "、" and len(items) < _MAX_LIST_ITEMS:
            left_start, left_kind = _left_edge(masked, start - 1)
            left_item = masked[left_start : start - 1]
            if not left_item or _ends_with_head(left_item) or len(left_item) > _MAX_LIST_ITEM_CHARS:
                break
            items.insert(0, (left_start, start - 1))
            start, kind = left_start, left_kind
        if len(items) > 1 and kind != "trigger":
            items = items[-1:]
        start = items[0][0]
        clause_start = _clause_start(masked, start)
        clause = masked[clause_start:start]
        heading = _is_heading(masked, start, match.end())
        spread = res.heads[head] == "system" and res.compiled["SYSTEM_SPREAD_RE"].match(
            masked[match.end() : match.end() + 4]
        )
        if not (
            res.heads[head] == "award"
            or heading
            or spread
            or res.trigger_re.search(clause)
            or kind == "trigger"
        ):
            continue
        if res.compiled["WON_RE"].search(masked[clause_start : match.start()]):
            continue
        if head == "制度" and not _system_brought_in(masked, clause_start, start, match.end()):
            continue
        item_texts = [masked[s:e] for s, e in items]
        parallel = len(items) > 1 and len({t[:_PARALLEL_PREFIX] for t in item_texts}) == 1
        names = [t + head for t in item_texts] if parallel else [masked[start : match.end()]]
        for name in names:
            core = _core(_canonical(name))
            if res.compiled["VERB_OPENING_RE"].match(core):
                continue
            if res.heads[head] == "project" and res.compiled["CONSTRUCTION_CORE_RE"].search(core):
                continue  # a construction work (…铁路工程, …二期工程), not an initiative
            if _acceptable(core, head):
                found.append(_Candidate(name, res.heads[head], start, match.end(), "unquoted"))
    return found


def _system_brought_in(masked: str, clause_start: int, start: int, end: int) -> bool:
    """A 制度 the text introduces or spreads, not one it merely tends (完善…制度); its name runs
    from ``start`` (in the clause opening at ``clause_start``) to ``end``."""
    res = programme_resources()
    triggers = list(res.trigger_re.finditer(masked, clause_start, start))
    brought_in = bool(triggers) and bool(
        res.compiled["SYSTEM_TRIGGER_RE"].search(masked, clause_start, triggers[-1].end())
    )
    return brought_in or bool(res.compiled["SYSTEM_SPREAD_RE"].match(masked[end : end + 4]))


def _drop_nested(candidates: list[_Candidate]) -> list[_Candidate]:
    """An unquoted name that a longer unquoted name starting at the same place extends is part of
    it (集中连片高标准农田示范区 inside 集中连片高标准农田示范区建设试点)."""
    longest: dict[int, int] = {}
    for candidate in candidates:
        if candidate.rule == "unquoted":
            longest[candidate.start] = max(longest.get(candidate.start, 0), candidate.end)
    return [c for c in candidates if c.rule != "unquoted" or c.end == longest[c.start]]


def _known_labels(masked: str) -> list[_Candidate]:
    res = programme_resources()
    return [
        _Candidate(match.group(0), "label", match.start(), match.end(), "known")
        for match in res.known_label_re.finditer(masked)
        if res.compiled["KNOWN_LABEL_FOLLOW_RE"].match(masked[match.end() : match.end() + 6])
    ]


def _quote_chains(masked: str) -> list[list[re.Match[str]]]:
    res = programme_resources()
    chains: list[list[re.Match[str]]] = []
    for match in res.compiled["QUOTED_RE"].finditer(masked):
        if chains and res.compiled["CHAIN_GAP_RE"].match(masked[chains[-1][-1].end() : match.start()]):
            chains[-1].append(match)
        else:
            chains.append([match])
    return chains


def _head_type(content: str) -> ProgrammeType | None:
    """The type of the longest head word ``content`` ends with (quoted-only heads aside)."""
    res = programme_resources()
    for head in reversed(_heads_ending(content)):
        if head not in res.quoted_only_heads:
            return res.heads[head]
    return None


def _quoted(masked: str) -> list[_Candidate]:
    res = programme_resources()
    compiled = res.compiled
    found: list[_Candidate] = []
    for chain in _quote_chains(masked):
        after = chain[-1].end()
        follow = masked[after : after + 12]
        before = masked[_clause_start(masked, chain[0].start()) : chain[0].start()]
        head_match = res.head_re.match(masked, after)
        if head_match and not compiled["HEAD_FOLLOW_RE"].match(masked, head_match.end()):
            head_match = None
        trigger_before = res.strong_trigger_end_re.search(before) or res.trigger_end_re.search(before)
        for index, quote in enumerate(chain):
            content = quote.group("content")
            squeezed = content.replace(" ", "")  # PDF text: “四 上”
            is_last = index == len(chain) - 1
            listed_or_paired = (
                compiled["LIST_SLOGAN_RE"].search(content)
                or compiled["NUMERAL_PAIR_SLOGAN_RE"].match(squeezed)
                or compiled["CODE_SLOGAN_RE"].match(squeezed)
            )
            slogan = compiled["SLOGAN_RE"].search(squeezed) or compiled["GENERIC_CORE_RE"].match(squeezed)
            if slogan or (listed_or_paired and not (is_last and head_match)):
                continue
            name_start, name_end = quote.start(), quote.end()
            kind: ProgrammeType | None = None
            name = content
            if is_last and compiled["BRAND_FOLLOW_RE"].match(follow):
                kind = "brand"
            elif is_last and compiled["SYSTEM_FOLLOW_RE"].match(follow):
                kind = "system"
            elif is_last and head_match:
                name, kind, name_end = (
                    content + head_match.group(0),
                    res.heads[head_match.group(0)],
                    head_match.end(),
                )
            elif head_match:
                kind = res.heads[head_match.group(0)]  # “你点我检”“你送我检”活动: each item shares the head
            elif compiled["BRAND_FOLLOW_RE"].match(follow) or regional_brand(content):
                kind = "brand"
            elif is_last and compiled["LABEL_FOLLOW_RE"].match(follow):
                kind = "label"
            elif compiled["QUOTED_BRAND_RE"].match(squeezed):
                kind = "brand"
            elif (head_kind := _head_type(content)) is not None:
                kind = head_kind
            elif (
                trigger_before
                and compiled["NEUTRAL_FOLLOW_RE"].match(follow)
                and not compiled["QUOTED_GENERIC_RE"].search(content)
            ):
                kind = "other"
                gap = trigger_before.groupdict().get("gap") if index == 0 else None
                if gap:
                    gap_start, _ = _left_edge(masked, quote.start())
                    name_start = max(gap_start, quote.start() - len(gap))
                    name = masked[name_start : quote.start()] + content
            if kind is not None:
                label = _label_before(masked, quote.start()) if index == 0 else None
                if label is not None:  # 专精特新“小巨人”企业: one label
                    name, name_start = label[0] + name, label[1]
                found.append(_Candidate(name, kind, name_start, name_end, "quoted"))
    return found


def regional_brand(content: str) -> bool:
    """Whether ``content`` is a place name and a brand word (青岛制造, 浙江标准): its openings are
    looked up among the place names (one regex of every place name tried them one by one)."""
    res = programme_resources()
    return any(
        content[:cut] in res.place_names and res.brand_word_end_re.match(content, cut)
        for cut in range(1, len(content) + 1)
    )


def _label_before(masked: str, position: int) -> tuple[str, int] | None:
    """A known label written right before a quote (spaces allowed inside it, as PDF text has
    them): (the label, where it starts)."""
    window = masked[max(0, position - 12) : position]
    squeezed = window.replace(" ", "")
    for match in programme_resources().known_label_re.finditer(squeezed):
        if match.end() == len(squeezed):
            chars = len(match.group(0))
            start = position
            while chars and start > 0:
                start -= 1
                chars -= masked[start] != " "
            return match.group(0), start
    return None


def _merge_place_prefixed(programmes: dict[str, Programme]) -> dict[str, Programme]:
    """A name that is another found name minus a place prefix is the same programme
    (区长质量奖 in a text that names 宝安区区长质量奖): its mentions join the longer one."""
    keys = sorted(programmes, key=len, reverse=True)
    # every key under each of its proper tails that is a key too, in the order of ``keys``: the
    # longer names ending in a name are looked up, not searched for among all pairs
    by_tail: dict[str, list[str]] = {}
    for key in keys:
        for cut in range(1, len(key)):
            if (tail := key[cut:]) in programmes:
                by_tail.setdefault(tail, []).append(key)
    merged = dict(programmes)
    for short in keys:
        for long in by_tail.get(short, ()):
            if long not in merged:
                continue
            if _is_place(long[: -len(short)]):
                target = merged[long]
                for mention in merged.pop(short).mentions:
                    if all(m.start != mention.start or m.end != mention.end for m in target.mentions):
                        target.mentions.append(mention)
                target.mentions.sort(key=lambda m: m.start)
                break
    return merged


_DIVISION_RE = re.compile(r"[^\d\s，,、。]{1,5}?[省市区县旗州盟]")


def _is_place(prefix: str) -> bool:
    """A place name or a chain of them (深圳市宝安区; a district missing from places.tsv still
    ends in its level)."""
    if not prefix:
        return True
    names = programme_resources().place_names
    if prefix in names:
        return True
    # the place names the prefix opens with, found by slicing it rather than by trying every name
    heads = [prefix[:length] for length in range(1, len(prefix)) if prefix[:length] in names]
    if (match := _DIVISION_RE.match(prefix)) is not None:
        heads.append(match.group(0))
    return any(_is_place(prefix[len(n) :]) for n in heads)


def extract_programmes(view: TextView) -> list[Programme]:
    masked = _mask_titles(view.norm)
    by_key: dict[str, Programme] = {}
    candidates = sorted(
        _quoted(masked) + _drop_nested(_unquoted(masked)) + _known_labels(masked),
        key=lambda c: (c.start, c.rule != "quoted"),
    )
    # a known label inside a longer name (专精特新 in 专精特新“小巨人”) is part of that name
    spans = [(c.start, c.end) for c in candidates if c.rule != "known"]
    candidates = [
        c
        for c in candidates
        if c.rule != "known"
        or not any(s <= c.start and c.end <= e and e - s > c.end - c.start for s, e in spans)
    ]
    for candidate in candidates:
        key = _canonical(candidate.name)
        if not key:
            continue
        mention = Mention(
            start=candidate.start, end=candidate.end, text=view.text[candidate.start : candidate.end]
        )
        programme = by_key.get(key)
        if programme is None:
            by_key[key] = Programme(
                name=_canonical(_display_name(view, candidate, masked)),
                type=candidate.type,
                start=mention.start,
                end=mention.end,
                evidence=mention.text,
                mentions=[mention],
                rule=candidate.rule,
            )
        elif all(m.start != mention.start or m.end != mention.end for m in programme.mentions):
            programme.mentions.append(mention)
    for programme in by_key.values():
        _add_further_mentions(view, masked, programme)
    return list(_merge_place_prefixed(by_key).values())


def _add_further_mentions(view: TextView, masked: str, programme: Programme) -> None:
    """Every other place the text writes the programme's name the way it was found, once each.

    A quoted name is looked for in quotes only: bare, 青岛制造 is also the start of 青岛制造业.
    """
    form = view.norm[programme.start : programme.end]
    taken = [(m.start, m.end) for m in programme.mentions]
    position = masked.find(form) if form else -1
    while position >= 0:
        end = position + len(form)
        if all(end <= s or position >= e for s, e in taken):
            taken.append((position, end))
            programme.mentions.append(Mention(start=position, end=end, text=view.text[position:end]))
        position = masked.find(form, end)
    programme.mentions.sort(key=lambda m: m.start)


def _display_name(view: TextView, candidate: _Candidate, masked: str) -> str:
    """The name as written (traditional stays traditional) when it is a plain span of the text."""
    span = masked[candidate.start : candidate.end]
    if _QUOTES_RE.sub("", span) == _QUOTES_RE.sub("", candidate.name):
        return view.text[candidate.start : candidate.end]
    return candidate.name
