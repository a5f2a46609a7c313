"""Agencies: bodies that issue the document or are responsible for its work (GUIDELINES §3).

Issuers come from the title (``青岛市人民政府关于…``), the first issuing statement near the top
(``中共中央 国务院印发《…》``, ``市政府发布关于…``), the signature above a date and a work
report's ``我代表…向大会``; responsible bodies from ``责任单位:`` lists and ``(…负责)``
brackets. Bodies that only approve, host, receive or issued some other document are never
matched: only these statements are read. Patterns and abbreviations: ``agencies.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pipeline.extract.context import DocumentContext
from pipeline.extract.document_fields import Place, place_by_name, provincial_names
from pipeline.lexicon import default_lexicon
from pipeline.resources import ResourceError, compile_fragments, load_yaml
from pipeline.textview import TextView
from schemas import Agency, Mention
from schemas.models import AgencyRole

_HEAD_CHARS = 1200
_TITLE_CHARS = 300
_VALID_ROLES = ("issuer", "responsible", "lead", "other")
_LIST_SPLIT_RE = re.compile(r"([、,，;；])")


@dataclass(frozen=True)
class AgencyPatterns:
    compiled: dict[str, re.Pattern[str]]
    roles: dict[str, AgencyRole]
    abbreviations: dict[str, str]
    national: dict[str, str]
    level_scope: dict[str, str]
    # name of a pattern -> how far after its match's start one of ``{name}_ANCHOR_RE`` stands
    anchor_reach: dict[str, int]


@cache
def agency_patterns() -> AgencyPatterns:
    data = load_yaml("agencies.yaml")
    compiled = compile_fragments({str(k): str(v) for k, v in data["patterns"].items()}, "agencies.yaml")
    roles = dict(data["roles"])
    if bad := {r for r in roles.values() if r not in _VALID_ROLES}:
        raise ResourceError(f"agencies.yaml: unknown roles {sorted(bad)}; valid: {_VALID_ROLES}")
    for key, template in data["abbreviations"].items():
        if "{PLACE}" not in template:
            raise ResourceError(f"agencies.yaml: abbreviation {key!r} lacks {{PLACE}}")
    level_scope = {str(k): str(v) for k, v in data["level_scope"].items()}
    if bad_scopes := set(level_scope.values()) - {"province", "city"}:
        raise ResourceError(
            f"agencies.yaml: unknown level scopes {sorted(bad_scopes)}; valid: province, city"
        )
    anchor_reach = {str(k): int(v) for k, v in data["anchor_reach"].items()}
    for name, reach in anchor_reach.items():
        if f"{name}_ANCHOR_RE" not in compiled or f"{name}_RE" not in compiled or reach < 0:
            raise ResourceError(
                f"agencies.yaml: anchor_reach {name!r} needs {name}_RE, {name}_ANCHOR_RE and a reach >= 0"
            )
    return AgencyPatterns(
        compiled, roles, dict(data["abbreviations"]), dict(data["national"]), level_scope, anchor_reach
    )


@cache
def _place_name_lengths() -> tuple[int, ...]:
    """The lengths of the provincial names, longest first: the longest name a body's name starts
    with is found by slicing the body's name at each length, not by trying every place name
    (this ran for every body)."""
    return tuple(sorted({len(name) for name in provincial_names()}, reverse=True))


def _place_prefix(text: str) -> tuple[str, Place] | None:
    """The longest place name ``text`` starts with, and its place."""
    by_name = provincial_names()
    for length in _place_name_lengths():
        if (place := by_name.get(text[:length])) is not None:
            return text[:length], place
    return None


_PLAUSIBLE_START = (
    "中共",
    "国家",
    "国务院",
    "党中央",
    "中央",
    "全国",
    "首都",
    "省",
    "市",
    "区",
    "县",
    "自治区",
)


def _plausible(unit_norm: str) -> bool:
    """A body's name starts with a level, a place or a central prefix (not 落实国务院)."""
    patterns = agency_patterns()
    return (
        bool(patterns.compiled["PLAUSIBLE_START_RE"].search(unit_norm))
        or unit_norm in patterns.national
        or _place_prefix(unit_norm) is not None
    )


def _opens_as_body(unit_norm: str) -> bool:
    """Stricter than :func:`_plausible`, for a name found by its position alone."""
    return not agency_patterns().compiled["NOT_A_BODY_RE"].search(unit_norm) and (
        unit_norm.startswith(_PLAUSIBLE_START)
        or unit_norm in agency_patterns().national
        or any(unit_norm[:length] in default_lexicon().places.by_name for length in range(2, 9))
    )


def _units(start: int, end: int, view: TextView) -> list[tuple[int, int]] | None:
    """Split a list of bodies into names; None when some part is not a body's name."""
    patterns = agency_patterns().compiled
    segment = view.norm[start:end]
    spans: list[tuple[int, int]] = []
    covered = 0
    separators = patterns["SEPARATORS_RE"]
    for match in patterns["AGENCY_UNIT_RE"].finditer(segment):
        if not separators.match(segment[covered : match.start()]):
            return None
        covered = match.end()
        unit_start, unit_end = start + match.start("unit"), start + match.end("unit")
        if pair := patterns["PARTY_AND_GOVERNMENT_RE"].match(match.group("unit")):
            spans.append((unit_start, unit_start + pair.end("party")))
            spans.append((unit_start + pair.end("party"), unit_end))
        else:
            spans.append((unit_start, unit_end))
    if not spans or not separators.match(segment[covered:]):
        return None
    if not all(_plausible(view.norm[s:e]) for s, e in spans):
        return None
    return spans


def _list_items(start: int, end: int, view: TextView) -> list[tuple[int, int, bool]]:
    """Items of a responsible list as written: (start, end, leads)."""
    trim = agency_patterns().compiled["ITEM_TRIM_RE"]
    lead_re = agency_patterns().compiled["LEAD_RE"]
    skip = agency_patterns().compiled["ITEM_SKIP_RE"]
    items: list[tuple[int, int, bool]] = []
    position = start
    for piece in _LIST_SPLIT_RE.split(view.norm[start:end]):
        piece_start, position = position, position + len(piece)
        if not piece or piece in "、,，;；":
            continue
        stripped = piece.strip()
        lead = bool(lead_re.search(stripped))
        stripped = trim.sub("", stripped)
        if len(stripped) < 2 or skip.search(stripped):
            continue
        offset = piece_start + piece.index(stripped)
        items.append((offset, offset + len(stripped), lead))
    return items


def _home_places(context: DocumentContext | None) -> tuple[str | None, str | None]:
    """(province, city or county) names of the document's jurisdiction, where known."""
    name = context.jurisdiction if context else None
    place = place_by_name().get(name or "")
    if place is None:
        # a county-level issuer (临海市) missing from places.tsv: its own level only
        return None, name
    if place.level == "country":
        return None, None
    if place.level == "province":
        return place.name, None
    return place.parent, place.name


def normalise_agency(name_norm: str, context: DocumentContext | None) -> str | None:
    """The full official name: 市市场监管局 → 青岛市市场监督管理局 (None when unknown)."""
    patterns = agency_patterns()
    if name_norm in patterns.national:
        return patterns.national[name_norm]
    party = patterns.compiled["PARTY_PREFIX_RE"].match(name_norm)
    party_prefix = party.group(0) if party else ""
    body_text = name_norm[len(party_prefix) :]
    jurisdiction = context.jurisdiction if context else None
    place_name: str | None = None
    if (prefixed := _place_prefix(body_text)) is not None:
        place_name, body_text = prefixed[1].name, body_text[len(prefixed[0]) :]
    elif jurisdiction and body_text.startswith(jurisdiction) and len(body_text) > len(jurisdiction):
        place_name, body_text = jurisdiction, body_text[len(jurisdiction) :]
    elif level := patterns.compiled["LEVEL_PREFIX_RE"].match(body_text):
        place_name = _level_place(level.group("level"), context)
        body_text = level.group("body")
    if place_name is None:
        return None
    template = patterns.abbreviations.get(body_text, "{PLACE}" + body_text)
    if party_prefix and not template.startswith(party_prefix):
        template = party_prefix + template
    return template.format(PLACE=place_name)


def _level_place(level: str, context: DocumentContext | None) -> str | None:
    """The place a level-only name (省…, 市…) refers to: the document's province or city."""
    scope = agency_patterns().level_scope.get(level)
    province, city = _home_places(context)
    if scope == "province":
        return province
    if scope == "city" and city and city.endswith(level):
        return city
    return None


def _cued_matches(patterns: AgencyPatterns, name: str, text: str) -> Iterator[re.Match[str]]:
    """``{name}_RE``'s matches in ``text``, as ``finditer`` gives them; none looked for when
    ``{name}_CUE_RE``, which every match holds, is not in the text."""
    compiled = patterns.compiled
    cue = compiled.get(f"{name}_CUE_RE")
    if cue is not None and cue.search(text) is None:
        return iter(())
    if name in patterns.anchor_reach:
        return _anchored_matches(
            compiled[f"{name}_RE"], compiled[f"{name}_ANCHOR_RE"], patterns.anchor_reach[name], text
        )
    return compiled[f"{name}_RE"].finditer(text)


def _anchored_matches(
    pattern: re.Pattern[str], anchor: re.Pattern[str], reach: int, text: str
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match holds a match of ``anchor`` (a
    set of single characters, so that every occurrence is found) starting at most ``reach``
    characters after its own start: only the positions that close before an anchor are tried (a
    pattern that opens with a choice of leads costs at every position; its anchors are few).
    The pattern's matches are never empty."""
    resume = 0  # where finditer would look for the next match
    for hit in anchor.finditer(text):
        position = max(resume, hit.start() - reach)
        while position <= hit.start():
            match = pattern.match(text, position)
            if match is None:
                position += 1
                continue
            yield match
            position = resume = match.end()
        resume = max(resume, hit.start() + 1)


def extract_agencies(view: TextView, context: DocumentContext | None = None) -> list[Agency]:
    patterns = agency_patterns()
    compiled = patterns.compiled
    norm = view.norm
    found: list[tuple[int, int, AgencyRole]] = []

    def add_list(match: re.Match[str], role: AgencyRole, group: str = "agencies") -> bool:
        if match.group(group) is None:
            return False
        spans = _units(match.start(group), match.end(group), view)
        if spans:
            found.extend((s, e, role) for s, e in spans)
        return bool(spans)

    for match in compiled["TITLE_ISSUER_RE"].finditer(norm[:_TITLE_CHARS]):
        add_list(match, "issuer")
    for match in _cued_matches(patterns, "NEWS_ISSUER", norm[:_HEAD_CHARS]):
        if add_list(match, "issuer"):
            break  # the document's own issuing is told first; later ones cite other documents
    for match in compiled["LABELLED_ISSUER_RE"].finditer(norm[:_HEAD_CHARS]):
        add_list(match, "issuer")
    for match in _cued_matches(patterns, "SIGNATURE", norm):
        add_list(match, "issuer")
    for match in compiled["REPORT_ISSUER_RE"].finditer(norm[:_HEAD_CHARS]):
        add_list(match, "issuer")
    for match in _cued_matches(patterns, "NEWS_SOURCE", norm[:_HEAD_CHARS]):
        if add_list(match, "issuer") or add_list(match, "issuer", "agencies2"):
            break  # the story's own source is told first
    if headline := compiled["HEADLINE_SOURCE_RE"].match(norm[:_TITLE_CHARS]):
        add_list(headline, "issuer")
    for match in _cued_matches(patterns, "FOUNDER", norm):
        add_list(match, "responsible")
    for match in _cued_matches(patterns, "ACTOR", norm):
        # a clause's subject is a body only when its name opens with a place, a level or a
        # central prefix (not 应该带领干部, 健全市县政府)
        spans = _units(match.start("agencies"), match.end("agencies"), view)
        if spans and all(_opens_as_body(norm[s:e]) for s, e in spans):
            found.extend((s, e, "responsible") for s, e in spans)
    if next(_cued_matches(patterns, "RESPONSIBLE_HEADER", norm), None) is not None:
        for match in compiled["TABLE_CELL_RE"].finditer(norm):
            add_list(match, "responsible")
    roles = patterns.roles
    for match in _cued_matches(patterns, "LABELLED_RESPONSIBLE", norm):
        role = roles.get(match.group("label"), "responsible")
        for s, e, lead in _list_items(match.start("agencies"), match.end("agencies"), view):
            found.append((s, e, "lead" if lead else role))
    for match in _cued_matches(patterns, "BRACKET_RESPONSIBLE", norm):
        items = _list_items(match.start("agencies"), match.end("agencies"), view)
        if items and all(_plausible(norm[s:e]) for s, e, _ in items):
            found.extend((s, e, "lead" if lead else "responsible") for s, e, lead in items)

    by_name: dict[str, Agency] = {}
    for start, end, role in sorted(found):
        text = view.text[start:end]
        mention = Mention(start=start, end=end, text=text)
        key = norm[start:end]
        if key in by_name:
            if all(m.start != start for m in by_name[key].mentions):
                by_name[key].mentions.append(mention)
            continue
        by_name[key] = Agency(
            name=text,
            normalized=normalise_agency(key, context),
            role=role,
            start=start,
            end=end,
            evidence=text,
            mentions=[mention],
        )
    _merge_level_short_forms(by_name)
    _add_further_mentions(view, by_name)
    return list(by_name.values())


def _merge_level_short_forms(by_name: dict[str, Agency]) -> None:
    """An issuer signed with its level only (区政府办公室) where the title names it in full
    (深圳市宝安区人民政府办公室) is the same issuer: its mentions join the full name. (A
    responsible body written short beside an issuer written in full stays: the text names both.)"""
    patterns = agency_patterns()
    for key in list(by_name):
        level = patterns.compiled["LEVEL_PREFIX_RE"].match(key)
        if level is None or by_name[key].role != "issuer":
            continue
        body = level.group("body")
        expanded = patterns.abbreviations.get(body, "{PLACE}" + body).replace("{PLACE}", "")
        endings = {level.group("level") + body, level.group("level") + expanded}
        full = next(
            (
                k
                for k in by_name
                if k != key
                and by_name[k].role == "issuer"
                and len(k) > len(key)
                and any(k.endswith(e) for e in endings)
            ),
            None,
        )
        if full is None:
            continue
        target = by_name[full]
        for mention in by_name.pop(key).mentions:
            if all(m.start != mention.start for m in target.mentions):
                target.mentions.append(mention)
        target.mentions.sort(key=lambda m: m.start)


def _add_further_mentions(view: TextView, by_name: dict[str, Agency]) -> None:
    """Every other place the text names a found body (the same words, not a longer body)."""
    other_body_after = agency_patterns().compiled["OTHER_BODY_AFTER_RE"]
    for key, agency in by_name.items():
        known = {(m.start, m.end) for m in agency.mentions}
        position = view.norm.find(key)
        while position >= 0:
            end = position + len(key)
            if (position, end) not in known and not other_body_after.match(view.norm, end):
                agency.mentions.append(Mention(start=position, end=end, text=view.text[position:end]))
            position = view.norm.find(key, end)
        agency.mentions.sort(key=lambda m: m.start)
