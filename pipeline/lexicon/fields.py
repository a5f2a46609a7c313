"""Title, date-line, document-type and central-issuer patterns (``resources/zh/doc_types.yaml``),
compiled and validated into :class:`FieldPatterns`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.resources import ResourceError

FIELDS_FILE = "doc_types.yaml"
CUE_KINDS = (
    "report_title",
    "policy_text",
    "news",
    "policy_portal",
    "report_body",
    "news_body",
    "news_title",
    "policy_title",
)
PATTERN_LISTS = ("title_skip", "central", "national_framing", "cited_issuer", "dateline", "agency_suffix")
SINGLE_KEYS = (
    "title_strip",
    "title_site_suffix",
    "issuer_line",
    "salutation_line",
    "transmitted_title",
    "title_continuation",
    "title_open_about",
    "title_document_end",
    "title_inline_meta",
    "title_after_issuer",
    "issuer_after_place",
    "title_issuer_place",
    "title_place_issues",
    "report_section_heading",
    "paragraph_end",
    "published_label",
    "signed_label",
    "title_label",
    "date_line",
    "source_date_line",
    "speech_dateline",
    "page_footer_date",
    "signature_line",
    "letterhead_line",
    "document_number_line",
    "issuer_label",
    "own_place",
    "company_after_place",
)


@dataclass(frozen=True)
class FieldPatterns:
    cues: dict[str, tuple[re.Pattern[str], ...]]
    lists: dict[str, tuple[re.Pattern[str], ...]]
    single: dict[str, re.Pattern[str]]
    report_heading_window: int
    own_place_words: dict[str, tuple[str, ...]]
    speaker_words: dict[str, tuple[str, ...]]

    @property
    def title_skip(self) -> tuple[re.Pattern[str], ...]:
        return self.lists["title_skip"]

    @property
    def central(self) -> tuple[re.Pattern[str], ...]:
        return self.lists["central"]

    @property
    def national_framing(self) -> tuple[re.Pattern[str], ...]:
        return self.lists["national_framing"]


def _compile(pattern: Any, where: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise ResourceError(f"{source}: {where} does not compile: {exc} (pattern {pattern!r})") from exc


def build_field_patterns(data: Any, source: str = FIELDS_FILE) -> FieldPatterns:
    if not isinstance(data, dict):
        raise ResourceError(f"{source}: expected a mapping")
    missing = [
        k
        for k in (
            "cues",
            "report_heading_window",
            "own_place_words",
            "speaker_words",
            *PATTERN_LISTS,
            *SINGLE_KEYS,
        )
        if k not in data
    ]
    if missing:
        raise ResourceError(f"{source}: missing entries {', '.join(missing)}")
    unknown = set(data["cues"]) - set(CUE_KINDS)
    if unknown:
        raise ResourceError(f"{source}: unknown cue kinds {sorted(unknown)}; valid: {CUE_KINDS}")
    word_lists: dict[str, dict[str, tuple[str, ...]]] = {}
    for key in ("own_place_words", "speaker_words"):
        words = data[key]
        if not isinstance(words, dict) or not all(isinstance(v, list) for v in words.values()):
            raise ResourceError(f"{source}: {key} must map a level to a list of words")
        unknown_levels = set(words) - {"country", "province", "prefecture", "county"}
        if unknown_levels:
            raise ResourceError(f"{source}: {key} has unknown levels {sorted(unknown_levels)}")
        word_lists[key] = {str(level): tuple(str(w) for w in ws) for level, ws in words.items()}
    return FieldPatterns(
        cues={
            k: tuple(_compile(p, f"cues.{k}[{i}]", source) for i, p in enumerate(data["cues"].get(k) or []))
            for k in CUE_KINDS
        },
        lists={
            k: tuple(_compile(p, f"{k}[{i}]", source) for i, p in enumerate(data[k] or []))
            for k in PATTERN_LISTS
        },
        single={k: _compile(data[k], k, source) for k in SINGLE_KEYS},
        report_heading_window=int(data["report_heading_window"]),
        own_place_words=word_lists["own_place_words"],
        speaker_words=word_lists["speaker_words"],
    )
