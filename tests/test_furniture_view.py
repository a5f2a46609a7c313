"""Portal page furniture (metadata blocks, view counters, share/print/close buttons, font-size
switches) stays in the text for the document fields but never yields targets, results or
qualitative targets."""

from __future__ import annotations

import re

import pytest
from spacy.language import Language

import pipeline
from pipeline.components import ItemComponent
from pipeline.textview import TextView, furniture_lines
from schemas import Result

PORTAL_PAGE = (
    "枣庄市人民政府关于印发枣庄市质量强市建设实施方案的通知\n"
    "索引号：11370400004349125L/2024-00123 发布机构：枣庄市人民政府办公室\n"
    "发文日期：2024-03-05 主题分类：质量监督\n"
    "浏览次数：1365 【字号：大 中 小】【打印】【关闭】\n"
    "分享到：微信 微博\n"
    "各区（市）人民政府，市政府各部门：\n"
    "到2025年，全市制造业产品质量合格率达到94%以上，中国质量奖获奖数量达到2个。\n"
    "阅读量：2.3万"
)


@pytest.mark.parametrize(
    "line",
    [
        "浏览次数：1365次",
        "【字体：大 中 小】 浏览量：2356次 发布时间：2025-01-03",
        "发布机构：市政府办公室 发文日期：2024年3月5日 成文日期：2024年3月1日 索引号：2024-00123",
        "来源：枣庄日报 作者：张三 点击数：1200 发布日期：2024-03-05 10:23",
        "【打印本页】 【关闭窗口】",
        "分享到：微信 微博 QQ空间",
        "阅读量：10万+",
    ],
)
def test_portal_lines_are_furniture(line: str) -> None:
    text = f"到2025年，全市制造业产品质量合格率达到94%以上。\n{line}\n中国质量奖获奖数量达到2个。"
    spans = furniture_lines(text)
    assert [text[s:e] for s, e in spans] == [line]


@pytest.mark.parametrize(
    "line",
    [
        "资金来源：市级财政安排专项资金3000万元，用于支持企业技术改造，到2025年累计投入1亿元。",
        "到2025年，全市制造业产品质量合格率达到94%以上。",
        "一、总体要求",
        "大中小企业融通发展，培育中小企业特色产业集群5个。",
    ],
)
def test_body_lines_are_not_furniture(line: str) -> None:
    assert furniture_lines(line) == []


def test_portal_page_targets_come_from_the_body_only() -> None:
    record = pipeline.extract(PORTAL_PAGE, clean=False)
    assert [(t.indicator, t.value) for t in record.targets] == [
        ("制造业产品质量合格率", 94),
        ("中国质量奖获奖数量", 2),
    ]
    # the metadata block still feeds the document fields
    assert str(record.published) == "2024-03-05"
    assert record.title == "枣庄市人民政府关于印发枣庄市质量强市建设实施方案的通知"
    assert "发布机构：枣庄市人民政府办公室" in record.text


def test_items_on_furniture_lines_are_dropped_for_results(nlp: Language) -> None:
    """Whatever a target or result rule reads on a view counter never reaches the record."""

    def reported_numbers(doc: object, view: TextView) -> list[Result]:
        found = []
        for match in re.finditer(r"(浏览次数|阅读量|获奖数量达到)[:：]?(\d+(?:\.\d+)?)", view.norm):
            found.append(
                Result(
                    start=match.start(),
                    end=match.end(),
                    evidence=view.text[match.start() : match.end()],
                    indicator=match.group(1),
                    value=float(match.group(2)),
                    comparator="eq",
                )
            )
        return found

    doc = nlp.make_doc(PORTAL_PAGE)
    ItemComponent("test_results", "zp_results", "RESULT", reported_numbers)(doc)
    assert [r.indicator for r in doc._.zp_results] == ["获奖数量达到"]
