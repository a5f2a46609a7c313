"""The indicator registry: the packaged file loads and validates; names map as the spec rows say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.compare.registry import build_registry, load_registry, normalise_indicator
from pipeline.resources import ResourceError

SPECS = Path(__file__).parent / "specs" / "indicator_registry.jsonl"
ROWS = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", [pytest.param(row, id=row["id"]) for row in ROWS])
def test_indicator_mapping(row: dict[str, Any]) -> None:
    match = load_registry().match(row["raw"])
    assert match.indicator_id == row["expect"]
    assert match.method == row["method"]
    if row["expect"] is None:
        assert match.score == 0.0
    else:
        assert match.score >= load_registry().fuzzy_threshold


def test_packaged_registry_covers_outline_and_report_indicators() -> None:
    registry = load_registry()
    ids = {indicator.id for indicator in registry.indicators}
    for required in (
        "mfg_quality_competitiveness_index",
        "mfg_product_pass_rate",
        "agri_product_monitoring_pass_rate",
        "food_safety_sampling_pass_rate",
        "construction_quality_inspection_rate",
        "public_service_quality_satisfaction",
        "drug_sampling_pass_rate",
        "gdp",
        "urban_new_jobs",
        "surveyed_urban_unemployment_rate",
        "cpi_increase",
        "rd_intensity",
        "resident_income_growth",
        "grain_output",
        "energy_intensity",
    ):
        assert required in ids
    assert registry.get("surveyed_urban_unemployment_rate").better == "lower"
    assert registry.get("mfg_quality_competitiveness_index").better == "higher"
    assert registry.get("gdp").kind == "change"


def test_resolve_accepts_id_name_and_variant() -> None:
    registry = load_registry()
    assert registry.resolve("food_safety_sampling_pass_rate").id == "food_safety_sampling_pass_rate"
    assert registry.resolve("食品安全抽检合格率").id == "food_safety_sampling_pass_rate"
    assert registry.resolve("食品抽检合格率").id == "food_safety_sampling_pass_rate"
    assert registry.resolve("no_such_indicator") is None


def test_normalised_form_is_simplified_half_width_without_punctuation() -> None:
    assert normalise_indicator("製造業 質量競爭力指數") == "制造业质量竞争力指数"
    assert normalise_indicator("R&D经费投入强度") == "RD经费投入强度"
    assert normalise_indicator("ｇｄｐ") == "GDP"


def _data(*entries: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"settings": {"fuzzy_threshold": 85, **settings}, "indicators": list(entries)}


def _entry(**overrides: Any) -> dict[str, Any]:
    entry = {"id": "a_rate", "name": "甲合格率", "variants": ["甲类合格率"], "unit": "%", "better": "higher"}
    return {**entry, **overrides}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            _data(_entry(), _entry(name="乙合格率", variants=[])), "duplicate id", id="duplicate-id"
        ),
        pytest.param(
            _data(_entry(), _entry(id="b_rate", name="乙合格率", variants=["甲類合格率"])),
            "already a form of a_rate",
            id="variant-shared-across-entries-after-normalising",
        ),
        pytest.param(_data(_entry(better="bigger")), "better must be", id="bad-better"),
        pytest.param(_data(_entry(kind="stock")), "kind must be", id="bad-kind"),
        pytest.param(_data(_entry(sector="Z")), "GB/T 4754", id="bad-sector"),
        pytest.param(_data(_entry(id="Bad-Id")), "snake_case", id="bad-id"),
        pytest.param(_data(_entry(colour="red")), "unknown keys", id="unknown-key"),
        pytest.param(_data(_entry(variants="甲类合格率")), "variants must be", id="variants-not-a-list"),
        pytest.param(_data(_entry(), fuzzy_threshold=150), "fuzzy_threshold", id="threshold-out-of-range"),
        pytest.param(_data(_entry(), prefix="(unclosed"), "does not compile", id="prefix-regex"),
        pytest.param({"indicators": "none"}, "'indicators' list", id="no-list"),
    ],
)
def test_invalid_registry_fails_at_load(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        build_registry(data)


def test_fuzzy_threshold_is_respected() -> None:
    strict = build_registry(_data(_entry(name="制造业产品质量合格率", variants=[]), fuzzy_threshold=99))
    lenient = build_registry(_data(_entry(name="制造业产品质量合格率", variants=[]), fuzzy_threshold=80))
    assert strict.match("制造业产品质量合格率力争").indicator is None
    assert lenient.match("制造业产品质量合格率力争").indicator_id == "a_rate"
