"""A document's place from its source's name (file name or address) when the text names none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.source_place import place_from_source, source_tokens
from pipeline.lexicon import default_lexicon
from pipeline.lexicon.place_pinyin import PINYIN_FILE, generate, place_pinyin
from pipeline.resources import resource_path
from pipeline.textview import TextView

CITY_TEXT = (
    "2025年市级产品质量监督抽查中,共抽查产品200批次。"
    "市市场监督管理局已责成相关县(市、区)依法处理,我市将加强监督检查。"
)
COUNTY_TEXT = "序号 | 目标与任务 | 分管县领导 | 牵头责任单位 |\n1 | 新增托位400个 | 王明 | 县教育局 |"


@pytest.mark.parametrize(
    ("source", "tokens"),
    [
        ("/data/scraped/xinxiang_2025_choucha.txt", ["xinxiang", "choucha", "txt"]),
        ("C:\\corpus\\nanling_2024_table.txt", ["nanling", "table", "txt"]),
        (
            "http://www.nanling.gov.cn/xxgk/2024/t123.html",
            ["www", "nanling", "gov", "cn", "xxgk", "t", "html"],
        ),
        ("qingdao/2024/report.txt", ["report", "txt"]),  # the folders are no part of the name
        ("zhongyang_dongtai_2024.html", ["html"]),  # 中央, 动态: words, not 中阳县, 东台市
    ],
)
def test_source_tokens(source: str, tokens: list[str]) -> None:
    assert source_tokens(source) == tokens


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        # 新乡 names a city and a county: a text that speaks as a city (我市, 市级) takes the city
        pytest.param("xinxiang_2025_choucha.txt", CITY_TEXT, ("新乡市", "410700"), id="city_by_voice"),
        pytest.param("nanling_2024_renwu.txt", COUNTY_TEXT, ("南陵县", "340223"), id="county"),
        pytest.param(
            "http://www.nanling.gov.cn/t1.html", COUNTY_TEXT, ("南陵县", "340223"), id="portal_host"
        ),
        # a written suffix chooses the level: 黄山区, not 黄山市
        pytest.param(
            "huangshanqu_2024_gwr.txt", "过去一年,全区经济平稳。", ("黄山市黄山区", "341003"), id="suffix"
        ),
        # 鼓楼区 is in six cities: a text naming none of them leaves it open
        pytest.param("gulou_2024_news.txt", "全区新增企业20家。", None, id="ambiguous"),
        pytest.param("2024_zhengce_wenjian.txt", CITY_TEXT, None, id="no_place"),
    ],
)
def test_place_from_source(source: str, text: str, expected: tuple[str, str] | None) -> None:
    place = place_from_source(source, TextView.from_text(text))
    assert (place.jurisdiction, place.code) == expected if place else expected is None


def test_the_source_decides_only_where_the_text_names_no_place(tmp_path: Path) -> None:
    """End to end through ``zhpolicy extract``: files, a JSONL article's url, and a text that
    names its own place (青岛市), which wins over its file's name."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "xinxiang_2025_choucha.txt").write_text(CITY_TEXT, encoding="utf-8")
    (corpus / "jinan_2025_news.txt").write_text(
        "青岛市市场监督管理局发布:全市抽查产品100批次。", encoding="utf-8"
    )
    article = {"id": "a1", "url": "http://www.nanling.gov.cn/t1.html", "text": COUNTY_TEXT}
    (corpus / "dump.jsonl").write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    places = {
        r["doc"]: r["jurisdiction"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())
    }
    assert places == {"xinxiang_2025_choucha.txt": "新乡市", "jinan_2025_news.txt": "青岛市", "a1": "南陵县"}


def test_pinyin_table_covers_every_place() -> None:
    codes = {code for codes in place_pinyin().values() for code in codes}
    expected = {p.code for p in default_lexicon().places.rows if p.level != "country"}
    assert codes == expected


def test_pinyin_table_is_what_the_generator_writes() -> None:
    pytest.importorskip("pypinyin")
    rows = [(p.name, p.code) for p in default_lexicon().places.rows if p.level != "country"]
    assert resource_path(PINYIN_FILE).read_text(encoding="utf-8") == generate(rows)
