"""Cited policies: spec rows (tests/specs/policies.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.policies import extract_policies, is_policy_title
from pipeline.textview import TextView

SPECS = Path(__file__).parent / "specs" / "policies.jsonl"
ROWS = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", [pytest.param(row, id=row["id"]) for row in ROWS])
def test_policy_spec(row: dict) -> None:
    view = TextView.from_text(row["input"])
    policies = extract_policies(view, row.get("title"))
    assert sorted((p.name, p.short_names) for p in policies) == sorted(
        (name, shorts) for name, shorts in row["results"]
    ), row["note"]
    for policy in policies:
        for mention in policy.mentions:
            assert view.text[mention.start : mention.end] == mention.text


def test_mentions_of_a_short_name_join_the_full_title() -> None:
    text = "《梅州市质量强市建设实施方案》(以下简称《方案》)印发。《方案》提出目标。"
    (policy,) = extract_policies(TextView.from_text(text))
    assert [m.text for m in policy.mentions] == ["《梅州市质量强市建设实施方案》", "《方案》", "《方案》"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("计量发展规划(2021—2035年)", True),
        ("中华人民共和国产品质量法", True),
        ("北京市深入开展质量提升行动方案(2021-2023年)", True),
        ("大山的女儿", False),
        ("人民日报", False),
    ],
)
def test_policy_head_words(title: str, expected: bool) -> None:
    assert is_policy_title(title) is expected


def test_an_unbracketed_title_is_the_first_mention_of_what_its_short_name_resolves_to() -> None:
    text = "近日,市政府发布关于贯彻落实《质量强国建设纲要》的实施意见。《意见》提出,深入实施质量强市战略。"
    policies = {p.name: p for p in extract_policies(TextView.from_text(text))}
    mentions = [m.text for m in policies["关于贯彻落实质量强国建设纲要的实施意见"].mentions]
    assert mentions == ["关于贯彻落实《质量强国建设纲要》的实施意见", "《意见》"]
