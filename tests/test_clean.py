from __future__ import annotations

from pipeline.clean import clean_text, html_main_text
from tests.conftest import SAMPLES

STORY = "到2025年,制造业质量竞争力指数达到92。\n\n下一步,我市将加强质量基础设施建设。"
TEASERS = (
    "\n\n\n示范区领导调研充电基础设施建设\n国内\n\n示范区领导调研充电基础设施建设\n\n"
    "本文转自:济源日报 本报讯 1月22日,副市长调研。实地查看了站点建设情况。  [详情]\n\n"
    "中原食品实验室中试基地揭牌\n国内\n\n本报讯 1月19日,揭牌仪式举行。 [详情]\n"
)


def test_related_article_teasers_are_cut() -> None:
    assert clean_text(STORY + TEASERS) == STORY


def test_furniture_lines_and_invisible_characters_are_removed() -> None:
    raw = "通版阅读请点击:\n展开通版\n当前版:01版\n三部门发文\u200b:\r\n" + STORY + "\n责任编辑:王伟\n"
    assert clean_text(raw) == "三部门发文:\n" + STORY


def test_html_main_text_title_and_date() -> None:
    page = html_main_text((SAMPLES / "qinghai_news_page.html").read_text(encoding="utf-8"))
    assert page.text is not None and "食品安全抽检合格率达到98%以上" in page.text
    assert "版权所有" not in page.text and "首页" not in page.text
    assert page.published == "2024-05-08"
    assert page.title is not None and page.title.startswith("西宁发布质量提升行动方案")


def test_html_without_main_text() -> None:
    assert html_main_text("<html><body><div></div></body></html>").text is None


def test_seed_article_keeps_story_and_drops_tail(seed_text: str) -> None:
    text = clean_text(seed_text)
    assert text.endswith("先进质量文化蔚然成风。")
    assert "[详情]" not in text and "示范区领导" not in text


FURNITURE_AND_PROSE = [
    "首页",
    "首页 | 政务公开",
    "返回首页",
    "分享到：",
    "打印本页",
    "本文字数：1234",
    "第A12版：要闻",
    "（此件公开发布）",
    "责任编辑：王伟",
    "相关新闻",
    "版权所有 © 2024 青岛市人民政府",
    "网站标识码 3702000001",
    "首页建设取得新进展，全市质量工作迈上新台阶。",
    "到2025年,制造业质量竞争力指数达到92。",
    "本报讯 1月19日,揭牌仪式举行。 [详情]",
    "",
]


def test_furniture_patterns_joined_match_what_one_of_them_matches() -> None:
    """Patterns that all open with ^ are tried as one alternation: a line matches it exactly
    when it matches one of the patterns."""
    from pipeline.clean import _joined, _matches, furniture_patterns

    patterns = furniture_patterns()
    assert len(_joined(patterns.drop_line)) == 1 < len(patterns.drop_line)
    for group in (patterns.drop_line, patterns.tail_start, patterns.teaser_line, patterns.footer_line):
        for line in FURNITURE_AND_PROSE:
            assert _matches(group, line) == any(p.search(line) for p in group), line


def test_a_caret_that_binds_one_branch_is_not_joined() -> None:
    import re

    from pipeline.clean import _joined

    # in ^首页|返回 the caret anchors 首页 only: joined as ^(?:首页|返回|…) it would miss 点击返回
    patterns = (re.compile("^首页|返回"), re.compile("^打印"))
    assert _joined(patterns) == patterns
    anchored = (re.compile("^首页$"), re.compile("^(打印|关闭)"))
    assert [p.pattern for p in _joined(anchored)] == ["^(?:(?:首页$)|(?:(打印|关闭)))"]
