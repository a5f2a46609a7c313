"""Programmes: spec rows (tests/specs/programmes.jsonl) and the seed article."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import pipeline
from pipeline.extract.programmes import extract_programmes, programme_resources, regional_brand
from pipeline.resources import load_yaml
from pipeline.textview import TextView

SPECS = Path(__file__).parent / "specs" / "programmes.jsonl"
ROWS = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", [pytest.param(row, id=row["id"]) for row in ROWS])
def test_programme_spec(row: dict) -> None:
    view = TextView.from_text(row["input"])
    programmes = extract_programmes(view)
    assert sorted((p.name, p.type) for p in programmes) == sorted(map(tuple, row["results"])), row["note"]
    for programme in programmes:
        for mention in programme.mentions:
            assert view.text[mention.start : mention.end] == mention.text


def test_every_mention_is_kept_once_per_programme() -> None:
    text = "打造“青岛优品”公共品牌。“青岛优品”品牌建设初具成效。"
    (programme,) = extract_programmes(TextView.from_text(text))
    assert programme.name == "青岛优品" and programme.type == "brand"
    assert [m.text for m in programme.mentions] == ["“青岛优品”", "“青岛优品”"]


def test_mentions_are_quoted_like_the_name_was_found() -> None:
    text = "青岛制造业质量竞争力指数达到92。推动“青岛制造”等品牌。“青岛制造”更具品牌价值。"
    (programme,) = extract_programmes(TextView.from_text(text))
    assert [m.start for m in programme.mentions] == [text.index("“青岛制造”"), text.rindex("“青岛制造”")]


def test_unquoted_names_are_found_again_unquoted() -> None:
    text = "争创国家体育消费示范城市。国家体育消费示范城市创建工作取得进展。"
    (programme,) = extract_programmes(TextView.from_text(text))
    assert len(programme.mentions) == 2


def test_resources_validate() -> None:
    resources = programme_resources()
    assert resources.heads["专项行动"] == "campaign" and "品牌" in resources.quoted_only_heads
    assert regional_brand("青岛制造") and not regional_brand("小而美")


@pytest.mark.parametrize(
    "content",
    [
        "青岛制造",
        "浙江标准",
        "山东青岛制造",
        "青岛制造业",
        "小而美",
        "青岛",
        "制造",
        "北京标准化",
        "宁夏好品",
        "川字号",
    ],
)
def test_regional_brand_test_in_parts_is_the_regex(content: str) -> None:
    """The quoted pass tests a regional brand by its openings; it must say what one regex of
    every place name and brand word says."""
    names = sorted(programme_resources().place_names, key=len, reverse=True)
    brand_word = load_yaml("programmes.yaml")["patterns"]["BRAND_WORD"]
    regex = re.compile(f"^(?:{'|'.join(re.escape(n) for n in names)})(?:{brand_word})$")
    assert regional_brand(content) == bool(regex.match(content))


SEED_PROGRAMMES = {
    "青岛优品": "brand",
    "专精特新": "label",
    "领跑者行动": "campaign",
    "首席质量官制度": "system",
    "首席品牌官制度": "system",
    "全国智能建造试点城市": "pilot",
    "国家体育消费示范城市": "pilot",
    "青岛制造": "brand",
    "青岛农品": "brand",
    "青岛服务": "brand",
    "青岛购物": "brand",
    "青岛文旅": "brand",
    "质量强国标杆城市": "pilot",
    "食用农产品承诺达标合格证制度": "system",
    "消费品增品种、提品质、创品牌专项行动": "campaign",
    "中国质量奖": "award",
}


def test_seed_programmes(seed_text: str) -> None:
    record = pipeline.extract(seed_text, doc="seed")
    found = {p.name: p.type for p in record.programmes}
    assert {name: found.get(name) for name in SEED_PROGRAMMES} == SEED_PROGRAMMES
    assert not {"六个城市", "质量治理体系", "产业集群", "全国标杆", "量", "质"} & found.keys()
    youpin = next(p for p in record.programmes if p.name == "青岛优品")
    assert len(youpin.mentions) == 2


def test_seed_sectors_count_programmes(seed_text: str) -> None:
    record = pipeline.extract(seed_text, doc="seed")
    counts = {s.sector: s.count for s in record.sectors}
    target_only = sum(1 for t in record.targets if t.sector == "R")
    assert counts.get("R", 0) > target_only  # 国家体育消费示范城市, 青岛文旅
