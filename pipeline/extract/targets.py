"""Targets: quantified commitments (GUIDELINES §1).

Two passes over the text. The clause pass finds value spans (``VALUE_RE``) in each clause and
reads, right to left, the predicate before each value (达到, 增长, 控制在 …) and the indicator
before that; a value may instead follow an action verb and precede its object (打通20条断头路).
The table pass reads indicator tables (``a | b | c`` rows and one-cell-per-line dumps). Numbers,
units and comparators are resolved by ``pipeline.resolve``; every word list and pattern lives in
``resources/zh/targets.yaml``, ``units.yaml`` and ``comparators.yaml``.

Whether a clause reports the past is the time scope's answer (``TimeScope.at``). Besides it, a
few shapes of the target sentence itself mark a reported value: a bare year before publication
opening the sentence (2020年…达到90.30), a time cue earlier in the sentence (去年, 截至目前), a
reporting cue before the value (首次突破), a comparison before a bare value (比上年增加36个) and a
bare change with a decimal figure (增长14.6%).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TypeVar

from pipeline.extract.column_tables import extract_column_tables
from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import REPORTING_RULES
from pipeline.extract.document_fields import places
from pipeline.extract.judge import Candidate, Judge, Verdict
from pipeline.extract.sectors import sector_of
from pipeline.extract.time_scope import TimeContext, TimeScope
from pipeline.resolve.comparators import (
    BARE_PREDICATE,
    ComparatorLexicon,
    Predicate,
    comparator_lexicon,
    resolve_comparator,
    resolve_predicate,
)
from pipeline.resolve.numbers import parse_number, parse_tenths
from pipeline.resolve.units import resolve_unit, unit_lexicon
from pipeline.resources import ResourceError, compile_expanded, expand_references, guarded_compile, load_yaml
from pipeline.segment import jieba_tokens, load_user_dictionary
from pipeline.structure import TextStructure
from pipeline.textview import TextView, matching_form
from schemas import Result, Target

QuantityT = TypeVar("QuantityT", Target, Result)
_WORD_LISTS = (
    "action_verbs",
    "action_modifiers",
    "action_adverbials",
    "measure_heads",
    "implicit_subject_heads",
    "leading_words",
    "trailing_words",
    "reported_cues",
    "describing_verbs",
    "split_joiners",
    "distributive_words",
    "annual_words",
    "table_header_words",
    "vague_numerals",
    "stance_floor_words",
)
# The patterns of targets.yaml this module reads by name (the others are fragments other patterns
# reference as {NAME}). The load checks the file against this list: a pattern the code reads and
# the file lacks, or a pattern nothing reads, is an error there and then, not a KeyError mid-run.
_PATTERNS_READ = frozenset(
    {
        "ACTION_SCOPE", "ARABIC_RE", "BASE_COLUMN_RE", "BASE_YEAR_MENTION_RE", "BASE_YEAR_RE",
        "BENEFICIARY_TAIL_RE", "CJK_RE", "CLAUSE_NUMBER_RE", "COMPARISON_RE", "COUNT_SUBJECT_RE",
        "DISTRIBUTIVE_GUARD", "ENUMERATION_OBJECT_RE", "EXAMPLES", "FROM_VALUE_RE", "INNER_TIME_RE",
        "JOINER_ONLY_RE", "LIST_ITEM_RE", "LIST_MARK", "NOT_BEFORE_NUMBER_RE",
        "OBJECT_ATTRIBUTE", "OBJECT_ATTRIBUTE_RE", "OBJECT_JOINT_RE", "OPENING_YEAR_RE", "PACE_TAIL_RE",
        "PLAN_PERIOD", "PLAN_WORD_RE", "QUOTED_NAME_RE", "QUOTED_NUMBER_RE", "RANK_SCOPE",
        "RATIO_TERM_AFTER_RE", "RATIO_TERM_BEFORE_RE", "REPORTED_SHAPE_RE", "REPORTED_SOURCE_RE",
        "REPORTED_TIME_RE", "SERVICE_VERB_RE", "TABLE_UNIT_RE", "TABLE_VALUE_RE", "TIME_PHRASE",
        "VALUE_END_RE", "VALUE_RE", "WORK_NOUN_END_RE", "YEAR_CELL_RE",
    }
)  # fmt: skip
_REFERENCE_RE = re.compile(r"\{([A-Z_]+)\}")
# A one-cell-per-line table: at least this many short lines, each at most this long.
_MIN_CELL_DUMP = 4
_MAX_CELL_LINE = 40
# A first list part this short only swaps the modifier of the last (城镇和农村居民收入).
_SHORT_MODIFIER = 3
# Deadline rules that frame reviews as often as plans (十四五期间): a bare decimal change under
# them is a reported statistic.
_AMBIGUOUS_DEADLINE_RULES = frozenset({"plan_period"})
_NON_SPACE_RE = re.compile(r"\S")  # what ``str.strip`` keeps
# Characters an indicator never keeps: spacing from mirrored pages and quotation marks.
_INDICATOR_DROP_RE = re.compile(r"[\s\"“”‘’'「」『』]+")


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class TargetRules:
    """Everything the extractor matches with, compiled once from the resource files."""

    patterns: dict[str, re.Pattern[str]]
    words: dict[str, tuple[str, ...]]
    predicate_tail_re: re.Pattern[str]
    action_prefix_re: re.Pattern[str]
    action_tail_re: re.Pattern[str]
    action_bound_tail_re: re.Pattern[str]
    action_examples_tail_re: re.Pattern[str]
    action_search_re: re.Pattern[str]
    describing_tail_re: re.Pattern[str]
    leading_re: re.Pattern[str]
    trailing_re: re.Pattern[str]
    measure_tail_re: re.Pattern[str]
    reported_re: re.Pattern[str]
    annual_re: re.Pattern[str]
    annual_tail_re: re.Pattern[str]
    stance_re: re.Pattern[str]
    split_re: re.Pattern[str]
    change_tail_re: re.Pattern[str]
    comparators: ComparatorLexicon = field(repr=False)
    paired_prefixes: tuple[tuple[str, tuple[str, str]], ...] = ()  # longest prefix first

    def __getitem__(self, name: str) -> re.Pattern[str]:
        return self.patterns[name]


@cache
def target_rules() -> TargetRules:
    data = load_yaml("targets.yaml")
    words: dict[str, tuple[str, ...]] = {}
    for name in _WORD_LISTS:
        entries = data.get(name)
        if not entries or not all(isinstance(e, str) and e for e in entries):
            raise ResourceError(f"targets.yaml: {name} must be a non-empty list of words")
        if len(set(entries)) != len(entries):
            raise ResourceError(f"targets.yaml: {name} lists a word twice")
        words[name] = tuple(entries)
    unknown_sections = set(data) - {"patterns", "paired_prefixes", *_WORD_LISTS}
    if unknown_sections:
        raise ResourceError(f"targets.yaml: unknown sections {sorted(unknown_sections)}")
    lexicon = comparator_lexicon()
    fragments = {str(k): str(v) for k, v in data["patterns"].items()}
    referenced = set(_REFERENCE_RE.findall(" ".join(fragments.values())))
    if missing := sorted(_PATTERNS_READ - set(fragments)):
        raise ResourceError(f"targets.yaml: patterns the extractor reads are missing: {missing}")
    if unused := sorted(set(fragments) - referenced - _PATTERNS_READ):
        raise ResourceError(f"targets.yaml: patterns nothing reads or references: {unused}")
    built = {
        "UNIT": unit_lexicon().fragment(),
        "PREDICATE": _alternation(list(lexicon.predicates)),
        "QUALIFIER": _alternation(list(lexicon.qualifiers)),
        "INNER_QUALIFIER": _alternation(list(lexicon.inner_qualifiers)),
        "PREFIX": _alternation(list(lexicon.prefixes)),
    }
    clash = set(built) & set(fragments)
    if clash:
        raise ResourceError(f"targets.yaml: fragments {sorted(clash)} are built from other files")
    expanded = expand_references({**fragments, **built}, "targets.yaml")
    patterns = compile_expanded(expanded, "targets.yaml")
    place_words = [p.name for p in places()] + [p.short for p in places() if p.short]
    leading = _alternation([*words["leading_words"], *place_words])
    opening = f"{expanded['LIST_MARK']}|{expanded['TIME_PHRASE']}|{expanded['PLAN_PERIOD']}"
    distributive = _alternation(words["distributive_words"])
    change_words = [w for w, p in lexicon.predicates.items() if p.kind == "change"]
    # 组织不少于20个项目, 建成超过10个: a bound between the action and its count
    level_words = [w for w, p in lexicon.predicates.items() if p.kind == "level" and p.comparator != "eq"]
    # 提高到不低于800元: a verb of reaching before the bound; the bound gives the comparator
    reaching = _alternation([w for w in level_words if w.endswith(("到", "至"))])
    return TargetRules(
        patterns=patterns,
        words=words,
        predicate_tail_re=guarded_compile(
            rf"(?P<dist_before>{expanded['DISTRIBUTIVE_GUARD']}(?:{distributive}))?"
            rf"(?:{reaching})?(?P<predicate>{built['PREDICATE']})"
            rf"(?P<dist_after>{distributive})?(?P<rank_scope>{expanded['RANK_SCOPE']})?\s*$"
        ),
        action_prefix_re=guarded_compile(
            rf"^(?:{_alternation(words['action_modifiers'])})?(?:{_alternation(words['action_verbs'])})+"
        ),
        # 推动全市1000家…: a scope word may stand between the action and its count
        action_tail_re=guarded_compile(
            rf"(?P<verbs>(?:{_alternation(words['action_verbs'])})+)(?:{expanded['ACTION_SCOPE']})?"
            rf"(?:{expanded['OBJECT_ATTRIBUTE']})?\s*$"
        ),
        action_bound_tail_re=guarded_compile(
            rf"(?P<action>(?:{_alternation(words['action_verbs'])})+)(?P<predicate>{_alternation(level_words)})\s*$"
        ),
        action_search_re=guarded_compile(_alternation(words["action_verbs"])),
        # 开工建设东方电气氢燃料电池等5个以上装备制造项目: named examples, then the count
        action_examples_tail_re=guarded_compile(
            rf"^(?:{expanded['LIST_MARK']})*(?:{_alternation(words['action_adverbials'])})?"
            rf"(?:{_alternation(words['action_modifiers'])})?"
            rf"(?P<action>(?:{_alternation(words['action_verbs'])})+){expanded['EXAMPLES']}\s*$"
        ),
        describing_tail_re=guarded_compile(rf"(?:{_alternation(words['describing_verbs'])})\s*$"),
        leading_re=guarded_compile(rf"(?:{opening}|{leading})+"),
        trailing_re=guarded_compile(rf"(?:[\s,、:“\"(]|{_alternation(words['trailing_words'])})+$"),
        measure_tail_re=guarded_compile(rf"(?:{_alternation(words['measure_heads'])})$"),
        reported_re=guarded_compile(_alternation(words["reported_cues"])),
        annual_re=guarded_compile(_alternation(words["annual_words"])),
        annual_tail_re=guarded_compile(rf"(?:{_alternation(words['annual_words'])})$"),
        stance_re=guarded_compile(_alternation(words["stance_floor_words"])),
        split_re=guarded_compile(_alternation(words["split_joiners"])),
        change_tail_re=guarded_compile(rf"(?P<change>{_alternation(change_words)})$"),
        comparators=lexicon,
        paired_prefixes=_paired_prefixes(data.get("paired_prefixes")),
    )


def _paired_prefixes(raw: object) -> tuple[tuple[str, tuple[str, str]], ...]:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
        for k, v in raw.items()
    ):
        raise ResourceError("targets.yaml: paired_prefixes maps a prefix to two prefixes")
    pairs = ((k, (v[0], v[1])) for k, v in raw.items())
    return tuple(sorted(pairs, key=lambda item: -len(item[0])))


def _paired_parts(indicator: str) -> list[str]:
    """城乡低保标准 → [城市低保标准, 农村低保标准]; [indicator] when no paired prefix opens it."""
    for prefix, (first, second) in target_rules().paired_prefixes:
        if indicator.startswith(prefix) and len(indicator) > len(prefix):
            rest = indicator[len(prefix) :]
            return [first + rest, second + rest]
    return [indicator]


@dataclass(slots=True)
class _Value:
    """One value span in ``view.norm`` and what it resolves to."""

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    prefix: str | None
    qualifier: str | None


@dataclass(slots=True)
class _Found:
    """A target in the making, before inheritance and distribution are resolved."""

    indicator: str
    values: list[_Value]
    predicate: Predicate
    annual: bool
    clause_start: int
    clause_end: int
    action: str = ""
    distributive: bool = False
    stance: bool = False
    rule: str = "verb_value"
    inherited_sector: str | None = None
    cues: set[str] = field(default_factory=set)

    @property
    def sector(self) -> str | None:
        return sector_of(self.indicator) or self.inherited_sector


_NUMBER_GROUPS = ("pct", "tenths", "num", "sign", "num2", "unit", "unit1", "per")  # of VALUE_RE


def _parse_value(match: re.Match[str]) -> _Value | None:
    number = _parse_number_and_unit(*match.group(*_NUMBER_GROUPS))
    if number is None:
        return None
    value, value_max, unit = number
    qualifier = match.group("qual") or match.group("inner")
    return _Value(match.start(), match.end(), value, value_max, unit, match.group("prefix"), qualifier)


# Cached: a document repeats the same figures and units (5%, 1万元) many times.
@lru_cache(maxsize=4096)
def _parse_number_and_unit(
    pct: str | None,
    tenths: str | None,
    num: str | None,
    sign: str | None,
    num2: str | None,
    unit_text: str | None,
    unit1_text: str | None,
    per: str | None,
) -> tuple[float, float | None, str | None] | None:
    """A value's number, upper bound and unit from VALUE_RE's groups; None when unreadable."""
    unit: str | None = None
    value_max: float | None = None
    if pct:
        value, unit = parse_number(pct), "%"
    elif tenths:
        value, unit = parse_tenths(tenths), "%"
    else:
        assert num is not None  # VALUE_RE: a value without 百分之 or 成 has a number
        value = parse_number(num)
        if sign and value is not None:
            value = -value
        if num2:
            value_max = parse_number(num2)
        resolved = resolve_unit(unit_text or unit1_text)
        unit = resolved.surface if resolved else None
        if unit and per:
            unit = f"{unit}/{per.removesuffix('口')}"  # 每千人5批次 → 批次/千人
        if not target_rules()["ARABIC_RE"].fullmatch(num) and (
            unit is None or num in target_rules().words["vague_numerals"]
        ):
            return None  # 一二三产业, 一批: a Chinese numeral with no unit, or an article
    if value is None:
        return None
    return value, value_max, unit


def _is_table_line(view: TextView, start: int, end: int) -> bool:
    return view.norm.count("|", start, end) >= 2


def _clean_indicator(view: TextView, start: int, end: int) -> tuple[int, int]:
    """Offsets of the indicator inside ``[start, end)`` once jurisdiction/time/stance words go."""
    rules = target_rules()
    norm = view.norm
    for inner in rules["INNER_TIME_RE"].finditer(norm, start, end):
        start = max(start, inner.end())
    while start < end:
        lead = rules.leading_re.match(norm, start, end)
        if not lead or lead.end() == start:
            break
        start = lead.end()
    while start < end:
        segment = norm[start:end]
        base = rules["BASE_YEAR_RE"].search(segment) or rules["FROM_VALUE_RE"].search(segment)
        if base:
            # 比上年增长7.7%: a base alone names no indicator (the one before is meant)
            end = start + base.start()
            continue
        trail = rules.trailing_re.search(segment)
        if not trail or trail.start() == len(segment):
            break
        end = start + trail.start()
    return start, end


def _indicator_text(view: TextView, start: int, end: int) -> str:
    return _without_dropped(view.text[start:end])


@lru_cache(maxsize=8192)
def _without_dropped(text: str) -> str:
    """``text`` less the characters an indicator never keeps (cached: indicator names recur)."""
    return _INDICATOR_DROP_RE.sub("", text)


def _value_ends_well(view: TextView, end: int, clause_end: int) -> bool:
    rules = target_rules()
    if rules["VALUE_END_RE"].match(view.norm, end, clause_end):
        return True
    # a text cut off mid-qualifier (…达到94%以) still ends its value: ``norm[end:].strip()`` is
    # one or two characters, found without copying the rest of the text
    norm = view.norm
    text_end = TextStructure.of(view).stripped_end
    first = _NON_SPACE_RE.search(norm, end, text_end)
    if first is None or text_end - first.start() > 2:
        return False
    rest = norm[first.start() : text_end]
    return any(q.startswith(rest) for q in rules.comparators.qualifiers)


def _object_end(view: TextView, start: int, clause_end: int) -> int:
    """Where the object of an action target ends: the clause end, 、 or 和 before another count."""
    match = target_rules()["OBJECT_JOINT_RE"].search(view.norm, start, clause_end)
    return match.start() if match else clause_end


@lru_cache(maxsize=8192)
def _split_parts(indicator: str, distributive: bool) -> tuple[str, ...]:
    """``A和B均达到X`` → [A, B]: split when the text distributes the value (均, 分别) or every
    part names a measure of its own; otherwise ``A和B`` is one name (中国质量奖及提名奖获奖数量)."""
    rules = target_rules()
    parts = [p for p in rules.split_re.split(indicator) if p]
    if len(parts) < 2 or not (distributive or all(_measured(p) for p in parts)):
        return (indicator,)
    first, last = parts[0], parts[-1]
    if len(first) <= _SHORT_MODIFIER and len(last) > len(first) and _measured(last) and not _measured(first):
        # 城镇和农村居民人均可支配收入: the short first part swaps in for the last one's modifier,
        # which is the last part's first word when that is no longer (农产品和食品抽检合格率)
        parts[0] = first + last[_modifier_length(last, len(first)) :]
    completed = [parts[0]]
    for part in parts[1:]:
        # 食品生产企业自查率和自查报告率: the second part shares the first one's subject
        anchor = completed[0].find(part[:2]) if len(part) >= 2 else -1
        completed.append(completed[0][:anchor] + part if anchor > 0 else part)
    return tuple(completed)


def _modifier_length(part: str, longest: int) -> int:
    load_user_dictionary()
    words = jieba_tokens(part, matching_form(part))
    return len(words[0]) if words and len(words[0]) <= longest else longest


def _measured(indicator: str) -> bool:
    return bool(target_rules().measure_tail_re.search(indicator))


def _reported_year(view: TextView, start: int, end: int, context: DocumentContext) -> bool:
    """A clause opening with a bare year before the publication year reports the past."""
    if not context.year:
        return False
    match = target_rules()["OPENING_YEAR_RE"].match(view.norm, start, end)
    return bool(match and int(match.group("year")) < context.year)


def _reported_cues(view: TextView, sentence_start: int, region_start: int, value: _Value) -> set[str]:
    """Cues that report a value as reached: a time cue earlier in the sentence (去年, 截至目前), a
    reporting cue in the words that lead to it (首次突破), the source of a figure (数据显示), or a
    comparison before a bare value."""
    rules = target_rules()
    bare = value.qualifier is None and value.prefix is None
    cues: set[str] = set()
    if rules["REPORTED_TIME_RE"].search(view.norm, sentence_start, value.start):
        cues.add("reported_time")
    if rules.reported_re.search(view.norm, region_start, value.start):
        cues.add("reported_cue")
    if rules["REPORTED_SHAPE_RE"].search(view.norm, region_start, value.start):
        cues.add("reported_shape")
    if bare and rules["COMPARISON_RE"].search(view.norm, region_start, value.start):
        cues.add("comparison")
    if rules["REPORTED_SOURCE_RE"].search(view.norm, sentence_start, value.start):
        cues.add("reported_source")
    return cues


def _reported_change(predicate: Predicate, value: _Value, stance: bool) -> bool:
    """A bare change with a decimal figure (增长14.6%) is a statistic being reported: planned
    changes carry a qualifier (增长5.5%左右) or a round figure (增长3%)."""
    return (
        predicate.kind == "change"
        and not stance
        and value.qualifier is None
        and value.prefix is None
        and value.value_max is None
        and not float(value.value).is_integer()
    )


def _find_in_clause(
    view: TextView,
    sentence_start: int,
    start: int,
    end: int,
    previous: _Found | None,
    carried: _Found | None,
) -> list[_Found]:
    rules = target_rules()
    norm = view.norm
    found: list[_Found] = []
    region_start = start
    rejected_end = -1  # a value joined to an unreadable one goes with it
    for match in rules["VALUE_RE"].finditer(norm, start, end):
        if match.start() < region_start:
            continue
        # parsed first: the checks below do not depend on it, and four matches in ten (一 in
        # 统一, numerals without a unit) are no value at all
        value = _parse_value(match)
        if value is None:
            continue
        ends_well = _value_ends_well(view, match.end(), end)
        if not ends_well and value.unit is None:
            continue  # a bare number running on into words (一是, 3号): no value, whatever else holds
        number_start = match.start("pct") if match.group("pct") else match.start()
        if match.group("prefix") is None and rules["NOT_BEFORE_NUMBER_RE"].search(norm, start, number_start):
            continue
        if rules["QUOTED_NUMBER_RE"].search(norm, start, match.start()) or _inside_quotes(
            norm, start, match.start(), end
        ):
            continue  # “六个城市”, “十四五”, 实现“两个100%”: a number inside a quoted name
        if rules["RATIO_TERM_BEFORE_RE"].search(norm, max(start - 2, 0), match.start()) or rules[
            "RATIO_TERM_AFTER_RE"
        ].match(norm, match.end()):
            continue
        region = norm[region_start : match.start()]
        last = found[-1] if found else previous
        joined_only = bool(rules["JOINER_ONLY_RE"].fullmatch(region))
        object_end: int | None = None
        shape = "action"
        if not ends_well:
            follows_action = (
                rules.action_tail_re.search(region)
                or rules.action_bound_tail_re.search(region)
                or (
                    rules.action_examples_tail_re.search(region)
                    and rules["ARABIC_RE"].match(norm, match.start())
                )
                or (joined_only and last and last.action)
            )
            if value.unit is not None and not follows_action:
                shape = _counted_shape(view, region, value, end)
            if value.unit is None or not (follows_action or shape != "action"):
                continue
            object_end = _object_end(view, match.end(), end)
            if shape != "action" and (amount := rules["ARABIC_RE"].search(norm, match.end(), object_end)):
                object_end = amount.start()  # 向9031户家庭发放住房租赁补贴1905万元: the amount is read next
            obj = norm[match.end() : object_end]
            if not rules["CJK_RE"].search(obj) or rules["ARABIC_RE"].search(obj):
                continue
            if rules["ENUMERATION_OBJECT_RE"].match(obj) or (
                rules["QUOTED_NAME_RE"].match(obj) and not rules["ARABIC_RE"].match(norm, number_start)
            ):
                continue
        if joined_only and region_start == rejected_end:
            region_start = rejected_end = object_end if object_end is not None else match.end()
            continue
        # a value joined to the one before by 、/和 only: the same indicator lists several values
        # (分别增长22.9%和17.4%), with the cues of the first
        if found and joined_only and object_end is None and not found[-1].action:
            found[-1].values.append(value)
            region_start = match.end()
            continue
        cues = _reported_cues(view, sentence_start, region_start, value)
        if rules.describing_tail_re.search(region):
            cues.add("describing")
        item = _read_item(view, region_start, match, value, object_end, last, carried, start, end, shape)
        region_start = object_end if object_end is not None else match.end()
        if item is None:
            rejected_end = region_start
        else:
            item.cues |= cues
            found.append(item)
            if item.action and object_end is not None:
                found.extend(_object_attribute(view, match.start(), region, item))
    return found


def _inside_quotes(norm: str, start: int, end: int, clause_end: int) -> bool:
    """Whether ``end`` lies inside a “…” of the clause (opened before it, closed after it; a
    quote the text never closes proves nothing)."""
    opened = norm.rfind("“", start, end)
    return opened >= 0 and norm.find("”", opened, end) < 0 and norm.find("”", end, clause_end) >= 0


def _counted_shape(view: TextView, region: str, value: _Value, clause_end: int) -> str:
    """A count that no action governs but that is a quantity all the same: beneficiaries after
    为/向 and before what they get (``beneficiary``), or a clause's opening count followed by its
    noun and verb (``count_subject``); else ``action`` (not one of these)."""
    rules = target_rules()
    rest = view.norm[value.end : clause_end]
    if rules["BENEFICIARY_TAIL_RE"].search(region) and rules["SERVICE_VERB_RE"].search(rest):
        return "beneficiary"
    if rules["PACE_TAIL_RE"].search(region) and rules["WORK_NOUN_END_RE"].search(
        view.norm, value.end, _object_end(view, value.end, clause_end)
    ):
        return "paced_work"
    opening = not region.strip() or bool(rules.leading_re.fullmatch(region))
    # counted in digits, not a share (两个超级大国应当…, 71%的机组…: a phrase, a proportion)
    counted = value.unit != "%" and bool(rules["ARABIC_RE"].match(view.norm, value.start))
    if opening and counted and rules["COUNT_SUBJECT_RE"].match(rest):
        return "count_subject"
    return "action"


def _object_attribute(view: TextView, value_start: int, region: str, item: _Found) -> list[_Found]:
    """抓好总投资2.66万亿元的2000个重大项目: besides the count, the object's attribute
    (重大项目总投资 2.66万亿元) is a target of its own, with the count's cues."""
    rules = target_rules()
    attribute = rules["OBJECT_ATTRIBUTE_RE"].search(region)
    if attribute is None:
        return []
    start = value_start - len(region) + attribute.start("attribute_value")
    match = rules["VALUE_RE"].match(view.norm, start)
    value = _parse_value(match) if match else None
    if value is None or value.unit is None:
        return []
    obj = item.indicator[len(item.action) :]
    indicator = obj + attribute.group("attribute").removeprefix("计划")
    found = _Found(indicator, [value], BARE_PREDICATE, False, item.clause_start, item.clause_end)
    found.rule, found.cues = "object_attribute", set(item.cues)
    return [found]


def _read_item(
    view: TextView,
    region_start: int,
    match: re.Match[str],
    value: _Value,
    object_end: int | None,
    last: _Found | None,
    carried: _Found | None,
    clause_start: int,
    clause_end: int,
    shape: str = "action",
) -> _Found | None:
    """The indicator, predicate and flags of one value, read leftwards from the value."""
    rules = target_rules()
    norm = view.norm
    region = norm[region_start : match.start()]
    annual = bool(rules.annual_re.search(norm, max(clause_start, region_start - 4), match.start()))
    stance = bool(rules.stance_re.search(norm, clause_start, match.start()))
    item = _Found("", [value], BARE_PREDICATE, annual, clause_start, clause_end, stance=stance)
    if object_end is not None and shape != "action":
        # 为1万名失能老人提供照护服务, 16个平台进入科研状态: the words after the count say what it counts
        # (加快800个老旧小区改造项目建设: with the pace word before it)
        pace = rules["PACE_TAIL_RE"].search(region) if shape == "paced_work" else None
        counted = _indicator_text(view, match.end(), object_end)
        item.indicator = (pace.group().strip() if pace else "") + counted
        item.rule = shape
        return item
    if object_end is not None:
        # 打通20条断头路: the action verbs before the count + the object after it
        tail = rules.action_tail_re.search(region)
        bound = None if tail else rules.action_bound_tail_re.search(region)
        examples = None if tail or bound else rules.action_examples_tail_re.search(region)
        if bound:
            action = bound.group("action")
            item.predicate = resolve_predicate(bound.group("predicate"))
        elif examples:
            action = examples.group("action")
        else:
            action = tail.group("verbs") if tail else (last.action if last else "")
        if not action:
            return None
        item.action = action
        item.indicator = action + _indicator_text(view, match.end(), object_end)
        item.rule = "action_count_object"
        return item
    predicate_match = rules.predicate_tail_re.search(region)
    predicate_words = predicate_match.group("predicate") if predicate_match else None
    if predicate_match:
        item.distributive = bool(predicate_match.group("dist_before") or predicate_match.group("dist_after"))
    indicator_end = region_start + (predicate_match.start() if predicate_match else len(region))
    ind_start, ind_end = _clean_indicator(view, region_start, indicator_end)
    indicator = _indicator_text(view, ind_start, ind_end) if ind_end > ind_start else ""
    item.predicate = resolve_predicate(predicate_words)
    change = rules.change_tail_re.search(indicator)
    if change and item.predicate == BARE_PREDICATE and len(indicator) > len(change.group(0)):
        # 经济增长预期目标为5%左右: the change word sits in the indicator, not before the value
        item.predicate = resolve_predicate(change.group("change"))
        indicator = indicator[: change.start()]
    if _reported_change(item.predicate, value, stance) and not rules["BASE_YEAR_MENTION_RE"].search(region):
        item.cues.add("statistic_like")  # a commitment only under an unambiguous deadline (the judge)
    if not indicator:
        # 增长7%以上、力争达到8%; 到2030年,达到40%以上: the value belongs to the indicator before
        source = last or carried
        if source is None:
            return None
        item.indicator, item.action, item.rule = source.indicator, source.action, "same_indicator"
        if item.predicate.kind == "level" and source.predicate.kind == "change":
            item.predicate = replace(source.predicate, comparator=item.predicate.comparator)
        return item
    head = rules.action_prefix_re.match(indicator)
    item.action = head.group(0) if head else ""
    opens_with_separator = bool(rules["LIST_ITEM_RE"].match(norm, region_start, match.start()))
    continues_list = opens_with_separator or region_start == clause_start
    if (
        not item.action
        and not predicate_words
        and last is not None
        and last.action
        and continues_list
        and not _measured(indicator)
        and not rules.action_search_re.search(indicator)
    ):
        # 新增精品示范村200个、省级中心村800个左右: the list keeps the first item's action (and, when
        # its own words name none, the first item's sector: 检验级企业10000家、保证级企业1000家)
        item.action, item.rule = last.action, "list_continuation"
        item.inherited_sector = last.sector
        indicator = last.action + indicator
    elif (
        not item.action
        and not predicate_words
        and last is not None
        and opens_with_separator
        and not _measured(indicator)
        and (last_head := rules.measure_tail_re.search(last.indicator))
    ):
        # 整车产量200万辆、新能源汽车140万辆: the list keeps the first item's measure
        indicator += last_head.group(0)
        item.rule = "list_continuation"
    elif indicator in rules.words["implicit_subject_heads"] and last is not None:
        # 农产品质量安全监测1.5批次/千人,合格率98%: the measure of the subject before
        indicator = rules.measure_tail_re.sub("", last.indicator) + indicator
        item.rule = "implicit_subject"
    elif (
        not predicate_words
        and not item.action
        and value.qualifier is None
        and value.prefix is None
        and not _measured(indicator)
        and not rules.action_tail_re.search(indicator)
        and "/" not in (value.unit or "")
        # …品牌400个,服务业品牌培育试点企业100家: in a list of commitments a bare count is one too
        and not (last is not None and continues_list and value.unit is not None)
    ):
        item.cues.add("bare_figure")  # a bare figure after a plain noun describes, it does not commit
    item.indicator = indicator
    return item


def _evidence_span(view: TextView, start: int, end: int) -> tuple[int, int]:
    while start < end and view.text[start].isspace():
        start += 1
    while end > start and view.text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(slots=True)
class Judged:
    """A candidate with the judge's verdict: what ``evaluate --misses`` explains drops with."""

    candidate: Candidate
    verdict: Verdict
    indicator: str
    values: list[float]


@dataclass
class Quantities:
    """The extractor's output: commitments, reported results, and every judged candidate."""

    targets: list[Target] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    judged: list[Judged] = field(default_factory=list)


def _candidate(found: _Found, view: TextView, time: TimeContext, context: DocumentContext) -> Candidate:
    cues = set(found.cues)
    if time.past:
        cues.add(f"past:{time.past_reason}")
    cues.add(f"deadline:{time.source or 'none'}")
    if time.deadline is not None and time.deadline.rule in _AMBIGUOUS_DEADLINE_RULES:
        cues.add("ambiguous_deadline")
    if found.stance:
        cues.add("stance")
    sentence = view.sentence_at(found.clause_start)
    if target_rules()["PLAN_WORD_RE"].search(view.norm, sentence.start, found.clause_end):
        cues.add("plan_word")
    return Candidate(
        start=found.clause_start,
        end=found.clause_end,
        text=view.norm[found.clause_start : found.clause_end],
        context=view.norm[sentence.start : found.clause_start],
        cues=cues,
        genre=context.doc_type,
    )


def _result_comparator(predicate: Predicate, value: _Value) -> str:
    """A reported figure is stated (eq) unless its words bound it: 突破/超过 gt, 以上 ge, 约 approx."""
    stated = _STATED_GT if predicate.comparator == "gt" else BARE_PREDICATE
    return resolve_comparator(stated, value.prefix, value.qualifier)


_STATED_GT = Predicate(comparator="gt")


def _period(time: TimeContext, scope: TimeScope) -> int | None:
    if time.period is not None:
        return time.period
    if time.deadline is not None and time.source == "clause" and time.deadline.rule in REPORTING_RULES:
        return time.deadline.year
    return scope.reported_year()


def _build(
    found: _Found, view: TextView, scope: TimeScope, judge: Judge, context: DocumentContext, out: Quantities
) -> None:
    """Judge one candidate and build its records: targets, results, or nothing."""
    time = scope.at(found.clause_start, found.clause_end)
    candidate = _candidate(found, view, time, context)
    verdict = judge(candidate)
    out.judged.append(Judged(candidate, verdict, found.indicator, [v.value for v in found.values]))
    if verdict.label == "neither":
        return
    values = found.values
    last = values[-1]
    for value in values:
        if value.unit is None:
            value.unit = last.unit
        if value.qualifier is None and value.prefix is None:
            value.qualifier = last.qualifier
    parts: Sequence[str] = _split_parts(found.indicator, found.distributive)
    if len(parts) == 1 and len(values) == 2 and found.distributive:
        parts = _paired_parts(found.indicator)  # 城乡…分别提高到800元和500元
    if len(parts) == len(values):
        pairs = list(zip(parts, values, strict=True))
    elif len(values) == 1:
        pairs = [(part, values[0]) for part in parts]
    else:
        pairs = [(found.indicator, value) for value in values]
    start, end = _evidence_span(view, found.clause_start, found.clause_end)
    for indicator, value in pairs:
        predicate = found.predicate
        kind, direction = predicate.kind, predicate.direction
        if value.unit in unit_lexicon().change_units and kind == "level" and predicate.comparator == "eq":
            kind, direction = "change", "up"
        common = {
            "indicator": indicator,
            "value": value.value,
            "value_max": value.value_max,
            "unit": value.unit,
            "kind": kind,
            "direction": direction,
            "annual": found.annual,
            "sector": sector_of(indicator) or found.inherited_sector,
            "start": start,
            "end": end,
            "evidence": view.text[start:end],
            "rule": found.rule,
            "confidence": verdict.score,
            "reason": verdict.reason,
        }
        if verdict.label == "result":
            comparator = _result_comparator(predicate, value)
            if value.value_max is not None and value.qualifier is None:
                comparator = "eq"
            out.results.append(Result(**common, comparator=comparator, period=_period(time, scope)))
            continue
        comparator = resolve_comparator(predicate, value.prefix, value.qualifier)
        if value.value_max is not None and value.qualifier is None:
            comparator = "eq"
        elif found.stance and comparator == "eq" and predicate.comparator == "eq":
            comparator = "ge"  # 力争…增长3%: a floor the text strives to reach
        out.targets.append(
            Target(
                **common,
                comparator=comparator,
                deadline=time.year,
                deadline_text=time.deadline.text if time.deadline else None,
            )
        )


def _clause_candidates(
    view: TextView, context: DocumentContext, task_rows: list[tuple[int, int]] | None = None
) -> list[_Found]:
    """Quantified statements of every clause. The last item of a sentence is carried through its
    paragraph for a value with no indicator of its own (到2025年…达到35%;到2030年,达到40%以上)."""
    candidates: list[_Found] = []
    # CLAUSE_NUMBER_RE spans no clause break and looks at nothing around its match: it matches in
    # a sentence exactly when it matches in one of the sentence's clauses
    clause_number = target_rules()["CLAUSE_NUMBER_RE"]
    carried: _Found | None = None
    previous_end = 0
    structure = TextStructure.of(view)
    for sentence in view.sentences:
        if "\n" in view.text[previous_end : sentence.start]:
            carried = None
        previous_end = sentence.end
        if not clause_number.search(view.norm, sentence.start, sentence.end):
            continue
        if _is_table_line(view, sentence.start, sentence.end) and not any(
            start <= sentence.start < end for start, end in task_rows or []
        ):
            continue  # a task table's row (issue 11) is read: its cells are clauses
        previous: _Found | None = None
        opened_past = False
        for start, end in structure.clauses(sentence.start, sentence.end):
            if not clause_number.search(view.norm, start, end):
                continue  # no value the extractor reads and no opening year (CLAUSE_NUMBER_RE)
            # 2020年全市…达到90.30, …达到8个: the year governs the rest of the sentence
            opened_past = opened_past or _reported_year(view, start, end, context)
            for found in _find_in_clause(view, sentence.start, start, end, previous, carried):
                if opened_past:
                    found.cues.add("opening_past_year")
                candidates.append(found)
                previous = found
        carried = previous or carried
    return candidates


@dataclass(slots=True)
class _Cell:
    start: int
    end: int


def _table_blocks(view: TextView) -> list[list[list[_Cell]]]:
    """Indicator tables, each a list of rows: consecutive ``a | b`` lines, or a run of short
    one-cell lines (a table dumped one cell per line, kept as one row). Only a block with a
    header (a year column, 指标, 属性 …) is an indicator table; page furniture with pipes is not."""
    norm = view.norm
    rules = target_rules()
    header_words = set(rules.words["table_header_words"])
    blocks: list[list[list[_Cell]]] = []
    pipe_rows: list[list[_Cell]] = []
    run: list[_Cell] = []

    def is_header(cell: _Cell) -> bool:
        text = norm[cell.start : cell.end].strip()
        return bool(rules["YEAR_CELL_RE"].fullmatch(text)) or text in header_words

    def close(rows: list[list[_Cell]]) -> None:
        if rows and any(is_header(c) for row in rows for c in row):
            blocks.append([list(row) for row in rows])
        rows.clear()

    position = 0
    for line in norm.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if line.count("|") >= 2:
            close([run] if len(run) >= _MIN_CELL_DUMP else [])
            run = []
            bounds = [start - 1, *(start + i for i, ch in enumerate(line) if ch == "|"), end]
            cells = [_Cell(a + 1, b) for a, b in itertools.pairwise(bounds)]
            pipe_rows.append([c for c in cells if norm[c.start : c.end].strip()])
            continue
        close(pipe_rows)
        if line.strip() and len(line.strip()) <= _MAX_CELL_LINE:
            run.append(_Cell(start, end))
        else:
            close([run] if len(run) >= _MIN_CELL_DUMP else [])
            run = []
    close(pipe_rows)
    close([run] if len(run) >= _MIN_CELL_DUMP else [])
    return blocks


def _table_targets(view: TextView, scope: TimeScope) -> list[Target]:
    """Indicator-table rows: the name cell, an optional unit cell, and the value under the latest
    year column (a row with a base-year and a target-year value keeps the last)."""
    rules = target_rules()
    norm = view.norm
    header_words = set(rules.words["table_header_words"])
    targets: list[Target] = []
    rows = [(index, row) for index, block in enumerate(_table_blocks(view)) for row in block]
    year: int | None = None
    year_text: str | None = None
    value_columns = 0  # how many value columns the header names (a base year and a target year)
    current_block = -1
    for block_index, row in rows:
        if block_index != current_block:
            current_block, year, year_text, value_columns = block_index, None, None, 0
        texts = [norm[c.start : c.end].strip() for c in row]
        years = [rules["YEAR_CELL_RE"].match(t) for t in texts]
        if any(years):
            stated = [
                (int(m.group("year")), m.group(0).strip())
                for m in years
                if m and m.group("year") and not rules["BASE_COLUMN_RE"].fullmatch(m.group("role") or "")
            ]
            year, year_text = max(stated) if stated else (year, year_text)
            value_columns = sum(1 for m in years if m)
            # a header row: values may still follow in a one-cell-per-line dump, after the last
            # header cell (what precedes it is the caption and the header: 主要指标, 序号, 指标)
            last_header = max(i for i, m in enumerate(years) if m)
            row = row[last_header + 1 :]
            texts = [norm[c.start : c.end].strip() for c in row]
        name: int | None = None
        unit_cell: str | None = None
        index = 0
        while index < len(row):
            text = texts[index]
            if name is not None and rules["TABLE_VALUE_RE"].match(text):
                run = [index]
                while run[-1] + 1 < len(row) and rules["TABLE_VALUE_RE"].match(texts[run[-1] + 1]):
                    run.append(run[-1] + 1)
                if value_columns:
                    # one cell per line: the next row's serial number (2, 3 …) follows the values
                    run = run[:value_columns]
                target = _table_target(view, row[name], row[run[-1]], scope, (year, year_text), unit_cell)
                if target is not None:
                    targets.append(target)
                name, unit_cell = None, None
                index = run[-1] + 1
                continue
            unit = resolve_unit(text)
            if name is not None and unit is not None:
                unit_cell = unit.surface  # a unit column: 全员劳动生产率 | 万元/人 | 21
            elif rules["CJK_RE"].search(text) and text not in header_words:
                name, unit_cell = index, None
            index += 1
    return targets


def _table_target(  # one row: name cell, value cell, the table's year and unit column
    view: TextView,
    name_cell: _Cell,
    value_cell: _Cell,
    scope: TimeScope,
    column_year: tuple[int | None, str | None],
    unit_cell: str | None = None,
) -> Target | None:
    rules = target_rules()
    norm = view.norm
    value_match = rules["TABLE_VALUE_RE"].match(norm, value_cell.start, value_cell.end)
    if value_match is None:
        return None
    name_start, name_end = name_cell.start, name_cell.end
    while name_start < name_end and norm[name_start].isspace():
        name_start += 1
    while name_end > name_start and norm[name_end - 1].isspace():
        name_end -= 1
    unit: str | None = value_match.group("unit") or unit_cell
    unit_match = rules["TABLE_UNIT_RE"].search(norm, name_start, name_end)
    resolved = resolve_unit(unit_match.group("unit")) if unit_match else None
    if unit_match and resolved:
        # 全员劳动生产率(万元/人); a parenthesis that is no unit stays in the name: 示范区(市)
        unit = resolved.surface
        name_end = unit_match.start()
    change = rules.change_tail_re.search(norm, name_start, name_end)
    predicate = Predicate()
    annual = False
    if change:
        predicate = resolve_predicate(change.group("change"))
        name_end = change.start()
        # 规模以上工业增加值年均增长(%): a yearly rate
        rate = rules.annual_tail_re.search(norm, name_start, name_end)
        if rate:
            annual, name_end = True, rate.start()
    indicator = _indicator_text(view, name_start, name_end)
    if not indicator:
        return None
    time = scope.at(name_cell.start, value_cell.end)
    if time.past:
        return None
    year, year_text = column_year
    if year is None:
        year, year_text = time.year, time.deadline.text if time.deadline else None
    value = parse_number(value_match.group("num"))
    if value is None:
        return None
    prefix = value_match.group("prefix")
    comparator = resolve_comparator(predicate, prefix, value_match.group("qual"))
    value_max = parse_number(value_match.group("num2")) if value_match.group("num2") else None
    start, end = _evidence_span(view, name_cell.start, value_cell.end)
    return Target(
        indicator=indicator,
        value=value,
        value_max=value_max,
        unit=unit,
        comparator=comparator,
        kind=predicate.kind,
        direction=predicate.direction,
        annual=annual,
        deadline=year,
        deadline_text=year_text,
        sector=sector_of(indicator),
        start=start,
        end=end,
        evidence=view.text[start:end],
        rule="table",
    )


def _deduplicate(view: TextView, targets: list[Target]) -> list[Target]:
    """One target per indicator, value, unit and deadline. A stated deadline beats none, and the
    evidence from the longer sentence (the body, not the headline) is kept."""

    def sentence_length(target: Target) -> int:
        sentence = view.sentence_at(target.start)
        return sentence.end - sentence.start

    groups: dict[tuple[str, float, str | None], list[Target]] = {}
    for target in targets:
        key = (_without_dropped(target.indicator), target.value, target.unit)
        groups.setdefault(key, []).append(target)
    kept: list[Target] = []
    for group in groups.values():
        dated = [t for t in group if t.deadline is not None]
        by_year: dict[int | None, Target] = {}
        for target in dated or group:
            best = by_year.get(target.deadline)
            if best is None or sentence_length(target) > sentence_length(best):
                by_year[target.deadline] = target
        kept.extend(by_year.values())
    kept = _drop_headline_restatements(view, kept)
    return sorted(kept, key=lambda t: (t.start, t.end))


# A headline restates a body target in fewer words (食品抽检合格率达98% over 食品安全抽检合格率
# 达到98%以上); the share of the shorter name's characters the longer one holds says "same".
_RESTATEMENT_OVERLAP = 0.8
_HEADLINE_MAX_CHARS = 60
_HEADLINE_LINES = 4  # title, kicker, subtitle: the opening non-empty lines of a story


def _headline_zone_end(view: TextView) -> int:
    """Where the opening lines (title, kicker, subtitle) end."""
    position, seen = 0, 0
    while seen < _HEADLINE_LINES and position < len(view.text):
        line_end = view.text.find("\n", position)
        line_end = len(view.text) if line_end < 0 else line_end
        seen += bool(view.text[position:line_end].strip())
        position = line_end + 1
    return position


def _in_headline(view: TextView, target: Target | Result, zone_end: int) -> bool:
    """A target in one of the opening lines that ends no sentence: a headline or a kicker
    (a table row is not one, however short)."""
    if target.start >= zone_end:
        return False
    line_start = view.text.rfind("\n", 0, target.start) + 1
    line_end = view.text.find("\n", target.end)
    line = view.text[line_start : line_end if line_end >= 0 else len(view.text)].strip()
    return (
        len(line) <= _HEADLINE_MAX_CHARS
        and "|" not in line
        and not line.endswith(("。", "；", ";", "！", "？"))
    )


def _restates(short: str, long: str) -> bool:
    a, b = sorted((_without_dropped(short), _without_dropped(long)), key=len)
    if not a:
        return False
    shared = sum((Counter(a) & Counter(b)).values())
    return a in b or shared / len(a) >= _RESTATEMENT_OVERLAP


def _when(item: Target | Result) -> int | None:
    return item.deadline if isinstance(item, Target) else item.period


def _drop_headline_restatements(view: TextView, targets: list[QuantityT]) -> list[QuantityT]:
    """GUIDELINES §1: the same target stated in the headline and the body is one target."""
    zone_end = _headline_zone_end(view)
    headline = [_in_headline(view, t, zone_end) for t in targets]
    body = [t for t, in_headline in zip(targets, headline, strict=True) if not in_headline]
    return [
        t
        for t, in_headline in zip(targets, headline, strict=True)
        if not in_headline
        or not any(
            (b.value, b.unit, _when(b)) == (t.value, t.unit, _when(t)) and _restates(t.indicator, b.indicator)
            for b in body
        )
    ]


def extract_quantities(
    view: TextView, scope: TimeScope, context: DocumentContext, judge: Judge | None = None
) -> Quantities:
    """Every quantified statement, judged: commitments become targets (the deadline is the scope's
    year for the clause, a table's year column for its rows), reported values become results
    (with the period they describe), the rest nothing."""
    judge = judge or Judge(mode="rules")
    out = Quantities()
    # --- column tables (issue 11, pipeline/extract/column_tables.py): tables with a header row
    # are read there; the clause candidates and the old table pass give up what falls inside them.
    tables = extract_column_tables(view, scope, context)
    for found in _clause_candidates(view, context, tables.task_rows):
        if not tables.covers(found.clause_start):
            _build(found, view, scope, judge, context, out)
    old_tables = [t for t in _table_targets(view, scope) if not tables.covers(t.start)]
    out.targets = _deduplicate(view, out.targets + old_tables + tables.targets)
    binding = {(t.indicator, t.value, t.unit): t.binding for t in tables.targets if t.binding is not None}
    for target in out.targets:
        if target.binding is None:  # the same target stated in the text and in the table
            target.binding = binding.get((target.indicator, target.value, target.unit))
    out.results = _drop_headline_restatements(view, _deduplicate_results(out.results + tables.results))
    # --- end column tables
    return out


def extract_targets(view: TextView, scope: TimeScope, context: DocumentContext) -> list[Target]:
    """The commitments alone (rules-only judge)."""
    return extract_quantities(view, scope, context).targets


def _deduplicate_results(results: list[Result]) -> list[Result]:
    """One result per indicator, value, unit and period: the first statement of it."""
    seen: set[tuple[str, float, str | None, int | None]] = set()
    kept: list[Result] = []
    for result in results:
        key = (_without_dropped(result.indicator), result.value, result.unit, result.period)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept
