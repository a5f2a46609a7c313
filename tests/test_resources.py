from __future__ import annotations

import pytest

from pipeline import resources
from pipeline.extract.document_fields import doc_type_cues, places
from pipeline.extract.sectors import sector_of, sector_words
from pipeline.resources import ResourceError, expand_references, load_patterns


def test_every_resource_loads() -> None:
    for path in resources.RESOURCE_DIR.iterdir():
        if path.suffix == ".yaml":
            assert resources.load_yaml(path.name) is not None, path.name
    assert load_patterns("scan.yaml")["CANDIDATE_RE"].search("到2025年达到92")
    assert len(places()) >= 34 and sector_words() and doc_type_cues()


def test_references_resolve_and_bad_ones_fail() -> None:
    assert expand_references({"A": "x{B}", "B": "y"}) == {"A": "xy", "B": "y"}
    with pytest.raises(ResourceError, match="circular"):
        expand_references({"A": "{B}", "B": "{A}"})
    with pytest.raises(ResourceError, match="unknown fragment"):
        expand_references({"A": "{MISSING}"})


def test_duplicate_yaml_keys_are_rejected(tmp_path, monkeypatch) -> None:
    (tmp_path / "dup.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    monkeypatch.setattr(resources, "RESOURCE_DIR", tmp_path)
    resources.load_yaml.cache_clear()
    try:
        with pytest.raises(ResourceError, match="duplicate key"):
            resources.load_yaml("dup.yaml")
    finally:
        resources.load_yaml.cache_clear()


@pytest.mark.parametrize(
    ("phrase", "letter"),
    [
        ("制造业质量竞争力指数", "C"),
        ("农产品质量安全例行监测合格率", "A"),
        ("地区生产总值", None),
        ("建设工程质量一次验收合格率", "E"),
        ("公共服务质量满意度", "S"),
        ("新增省级以上标准化试点示范项目", "M"),
        ("建设国家级质检中心", "M"),
        ("培育市级以上质量标杆企业", "C"),
        ("累计培育区域公用品牌认证产品", "C"),
        ("新建农业标准化示范区", "A"),
        ("主要农产品质量安全监测合格率", "A"),
        # issue 10: indicators the lexicon had not met
        ("每千人口拥有3岁以下婴幼儿托位数", "O"),
        ("公办园在园幼儿占比", "P"),
        ("婴幼儿配方乳粉抽检合格率", "C"),
        ("新开通全货机航线", "G"),
        ("建成市政路桥项目", "G"),
        ("一产增加值", "A"),
        ("完成营造林", "A"),
        ("更新家电", "F"),
        ("新建充电桩", "D"),
        ("技术合同成交额", "M"),
        ("新建口袋公园", "N"),
        ("开展职业技能培训", "P"),
        ("国家高新技术企业", None),  # every industry has them
        ("新增上市公司", None),
        ("肉牛存栏", "A"),
        ("新能源汽车产量", "C"),
        ("全社会用电量", "D"),
        ("老旧小区加装电梯", "E"),
        ("普惠小微贷款担保", "J"),
        ("物业服务覆盖率", "K"),
        ("地表水水质优良比例", "N"),
        ("学前教育入园率", "P"),
        ("社区长者饭堂", "Q"),
        ("入境游人数", "R"),
        ("城乡居民养老保险参保率", "S"),
    ],
)
def test_sector_lexicon(phrase: str, letter: str | None) -> None:
    assert sector_of(phrase) == letter


def test_target_patterns_the_code_reads_are_declared_and_checked_against_the_file(monkeypatch) -> None:
    """Every ``rules["NAME"]`` / ``expanded["NAME"]`` in the extractor is in ``_PATTERNS_READ``
    (and nothing more), and targets.yaml is loaded against that list: a pattern missing from the
    file, or one that nothing reads, stops the load."""
    import copy
    import re
    from pathlib import Path

    from pipeline.extract import targets

    source = Path(targets.__file__).read_text(encoding="utf-8")
    read_in_source = set(
        re.findall(r"""(?:rules|expanded|target_rules\(\))\[\s*["']([A-Z][A-Z_]+)["']\s*\]""", source)
    )
    assert read_in_source == targets._PATTERNS_READ

    original = copy.deepcopy(resources.load_yaml("targets.yaml"))

    def load_with(edit):
        data = copy.deepcopy(original)
        edit(data["patterns"])
        monkeypatch.setattr(targets, "load_yaml", lambda name: data)
        return targets.target_rules.__wrapped__()

    assert load_with(lambda patterns: None).patterns["VALUE_RE"].search("达到92%")
    with pytest.raises(ResourceError, match="nothing reads or references: \\['STRAY_RE'\\]"):
        load_with(lambda patterns: patterns.update(STRAY_RE="x"))
    with pytest.raises(ResourceError, match="reads are missing: \\['REPORTED_SOURCE_RE'\\]"):
        load_with(lambda patterns: patterns.pop("REPORTED_SOURCE_RE"))
