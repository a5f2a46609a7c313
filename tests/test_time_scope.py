"""TimeScope.at on short multi-sentence texts: carry-over, resets, own phrase, title, past."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import extract_deadlines, key_matches, patterns
from pipeline.extract.time_scope import TimeContext, TimeScope
from pipeline.textview import TextView


def scope_of(text: str, published: int | None = None, title: str | None = None) -> TimeScope:
    view = TextView.from_text(text)
    context = DocumentContext(title=title, published=date(published, 3, 1) if published else None)
    return TimeScope(view, extract_deadlines(view, published, title=title), context)


def at(scope: TimeScope, phrase: str) -> TimeContext:
    start = scope.view.text.index(phrase)
    return scope.at(start, start + len(phrase))


CARRY = (
    "到2025年,质量整体水平进一步提高,品牌影响力持续提升。产业质量竞争力持续增强,"
    "制造业质量竞争力指数达到92。到2035年,质量和品牌综合实力达到国内领先水平。"
)


def test_deadline_carries_over_following_sentences() -> None:
    scope = scope_of(CARRY, 2023)
    assert at(scope, "制造业质量竞争力指数达到92").year == 2025
    assert at(scope, "质量和品牌综合实力达到国内领先水平").year == 2035


def test_deadline_carries_into_the_list_after_it() -> None:
    text = (
        "(二)主要目标。到2025年,质量强省建设取得显著成效。\n"
        "——产品质量水平显著提升。制造业产品质量合格率达到94%以上。\n"
        "1.市级社会公用计量标准数量达到350项。\n"
    )
    scope = scope_of(text, 2023)
    assert at(scope, "制造业产品质量合格率达到94%以上").year == 2025
    assert at(scope, "市级社会公用计量标准数量达到350项").year == 2025


def test_new_section_ends_the_carry() -> None:
    text = "(一)发展目标。到2025年,制造业质量竞争力指数达到92。\n(二)重点任务。新增检验检测机构10家。"
    assert at(scope_of(text, 2023), "新增检验检测机构10家").deadline is None


def test_news_paragraph_break_ends_the_carry() -> None:
    """Without sections (a news story), a new paragraph is a new topic."""
    text = "到2025年,每万人口发明专利拥有量达到8件。\n推动产品质量提升,每年实施技改项目5000项以上。"
    assert at(scope_of(text, 2023), "每年实施技改项目5000项以上").deadline is None


def test_clause_own_phrase_wins_even_after_the_indicator() -> None:
    text = "到2025年,制造业质量竞争力指数达到92,每万人口发明专利拥有量2027年前达到10件。"
    scope = scope_of(text, 2023)
    own = at(scope, "每万人口发明专利拥有量2027年前达到10件")
    assert (own.year, own.source) == (2027, "clause")
    assert at(scope, "制造业质量竞争力指数达到92").source == "carried"


def test_title_period_governs_targets_without_a_deadline() -> None:
    text = "为加快建设质量强省,制定本方案。\n新增主导或参与制定国家标准200项以上。"
    scope = scope_of(text, 2023, title="河北省质量强省建设行动方案(2023-2027年)")
    governing = at(scope, "新增主导或参与制定国家标准200项以上")
    assert (governing.year, governing.source) == (2027, "title")


def test_title_year_in_parentheses() -> None:
    scope = scope_of("新建5G基站1万个。", 2025, title="青岛市数字经济发展行动方案(2025年)")
    assert at(scope, "新建5G基站1万个").year == 2025


def test_base_year_is_not_the_deadline() -> None:
    scope = scope_of("到2025年,单位地区生产总值能源消耗较2020年下降14%。", 2023)
    assert at(scope, "单位地区生产总值能源消耗较2020年下降14%").year == 2025


REPORT = (
    "2025年安徽省政府工作报告\n\n"
    "(一)推动经济持续回升向好。制造业投资增长13.3%,快递业务量突破60亿件。\n\n"
    "经济社会发展的主要预期目标是:全省地区生产总值增长5.5%以上,城镇新增就业68万人左右。\n\n"
    "扎实推进乡村全面振兴。新建数字农业工厂100个。\n\n"
    "过去一年,国防和军队建设取得新进展,新增营区10个。"
)


def test_report_review_paragraph_is_past_and_targets_get_the_report_year() -> None:
    scope = scope_of(REPORT)
    review = at(scope, "快递业务量突破60亿件")
    assert review.past
    goal = at(scope, "全省地区生产总值增长5.5%以上")
    assert (goal.past, goal.year) == (False, 2025)
    task = at(scope, "新建数字农业工厂100个")
    assert (task.past, task.year) == (False, 2025)
    assert at(scope, "新增营区10个").past


def test_report_sections_review_and_plan() -> None:
    text = (
        "政府工作报告\n——二〇二六年一月二十日在青岛市人民代表大会上\n"
        "一、2025年及“十四五”时期工作回顾\n"
        "一般公共预算收入达到1340.7亿元,增长0.1%。\n"
        "二、2026年工作总体要求和主要目标\n"
        "全市生产总值增长5%以上,一般公共预算收入增长2%。\n"
        "下一步,新增城镇就业20万人。"
    )
    scope = scope_of(text)
    assert at(scope, "一般公共预算收入达到1340.7亿元").past
    plan = at(scope, "全市生产总值增长5%以上")
    assert (plan.past, plan.year) == (False, 2026)
    assert not at(scope, "新增城镇就业20万人").past


def test_past_year_and_achieved_markers() -> None:
    text = (
        "2023年,我国制造业质量竞争力指数达到85.21。全市已建成充电桩3万个。\n"
        "到2025年,制造业质量竞争力指数达到86,累计建成高标准农田2300万亩以上。\n"
        "全市累计建成5G基站2万个。"
    )
    scope = scope_of(text, 2024)
    assert at(scope, "我国制造业质量竞争力指数达到85.21").past
    assert at(scope, "全市已建成充电桩3万个").past
    future = at(scope, "累计建成高标准农田2300万亩以上")
    assert (future.past, future.year) == (False, 2025)
    assert at(scope, "全市累计建成5G基站2万个").past


def test_plan_period_that_ended_reports_the_past() -> None:
    scope = scope_of("“十三五”期间,全市新增高新技术企业1000家。", 2021)
    assert at(scope, "全市新增高新技术企业1000家").past


def test_at_is_answered_from_indexes_on_a_long_document() -> None:
    paragraph = "到2025年,制造业质量竞争力指数达到92,农产品合格率达到98%。\n"
    scope = scope_of(paragraph * 400, 2023)
    offsets = [i * len(paragraph) + 10 for i in range(400)]
    assert all(scope.at(o, o + 5).year == 2025 for o in offsets)


def test_dev_gold_deadlines(shared: Path) -> None:
    """Every gold target's evidence gets the gold deadline from the scope (dev set)."""
    import json

    import pipeline
    from pipeline.clean import clean_text
    from pipeline.read import read_documents

    nlp = pipeline.load()
    total = right = flagged = 0
    for line in (shared / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        raw = next(iter(read_documents([str(shared / "corpus" / "dev" / gold["doc"])])))
        assert raw.text is not None
        doc = nlp.make_doc(clean_text(raw.text))
        doc._.zp_context = DocumentContext(title=raw.title, published=raw.published)
        for name, component in nlp.pipeline:
            doc = component(doc)
            if name == "zhpolicy_deadlines":
                break
        scope = doc._.zp_time_scope
        for item in gold["targets"] + gold["qualitative"]:
            start = doc.text.find(item["evidence"])
            if start < 0:
                continue
            context = scope.at(start, start + len(item["evidence"]))
            total += 1
            right += context.year == item["deadline"]
            flagged += context.past
    assert total > 200
    assert right / total >= 0.95
    assert flagged == 0


@pytest.mark.parametrize("phrase", ["今年以来", "截至2024年底,", "同比"])
def test_past_cues_mark_the_clause(phrase: str) -> None:
    scope = scope_of(f"到2025年,{phrase}全市新增企业1000家。", 2025)
    assert at(scope, "全市新增企业1000家").past


@pytest.mark.parametrize("cue", ["2024年以来", "1-6月", "1至12月", "10—12月"])
def test_cues_opening_with_digits_are_found_in_their_clause(cue: str) -> None:
    """The digit-led cues are found at the character after the digits (deadlines.yaml): they
    still mark their own clause, and only it."""
    title = "2025年政府工作报告"
    with_cue = scope_of(f"全市{cue}同比新增企业1000家,新增就业5万人。", title=title)
    assert at(with_cue, "同比新增企业1000家").period == 2025  # a current-year cue: the report's year
    assert at(with_cue, "新增就业5万人").past is False
    without = scope_of("全市同比新增企业1000家。", title=title)
    assert at(without, "同比新增企业1000家").period == 2024  # a past cue in a report: the year before
    since = scope_of(f"全市{cue}新增企业1000家,新增就业5万人。", 2025)
    assert at(since, "新增企业1000家").past is ("以来" in cue)
    assert at(since, "新增就业5万人").past is False


def test_cue_patterns_let_the_engine_skip_ahead() -> None:
    """The time scope scans the whole text for its cues: each pattern opens with literals only
    (a branch opening with a digit made the engine try every position)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    found = patterns()
    for name in ("PAST_CUE_RE", "CURRENT_CUE_RE", "WEAK_PAST_CUE_RE", "FUTURE_CUE_RE"):
        parsed = _parser.parse(found[name].pattern)
        assert _compiler._get_literal_prefix(parsed, 0)[0] or _compiler._get_charset_prefix(parsed, 0), name


def test_fact_years_over_the_key_stretches_are_those_of_the_whole_text(shared: Path) -> None:
    """The time scope reads FACT_YEAR_RE over the key stretches only (as the deadline rules):
    every shared document gives the same matches as a whole-text scan."""
    fact_year = patterns()["FACT_YEAR_RE"]
    years = 0
    for path in sorted((shared / "corpus").glob("*/*.txt")):
        view = TextView.from_text(path.read_text(encoding="utf-8"))
        whole = [m.span() for m in fact_year.finditer(view.norm)]
        assert [m.span() for m in key_matches(fact_year, view)] == whole, path.name
        years += len(whole)
    assert years > 100  # the reports open clauses with years: the check did read some


def test_next_step_turns_a_review_paragraph_forward() -> None:
    text = "过去一年,全市新增高新技术企业1000家。下一步,新增国家级专精特新企业50家。"
    scope = scope_of(text, 2025)
    assert at(scope, "全市新增高新技术企业1000家").past
    assert not at(scope, "新增国家级专精特新企业50家").past


def test_paragraph_opening_deadline_governs_its_section() -> None:
    text = (
        "(二)主要目标\n"
        "到2025年,质量强省建设取得显著成效。\n"
        "产业质量竞争力持续增强,制造业质量竞争力指数达到92。\n"
        "三、重点任务\n"
        "新增检验检测机构10家。"
    )
    scope = scope_of(text, 2023)
    assert at(scope, "制造业质量竞争力指数达到92").year == 2025
    assert at(scope, "新增检验检测机构10家").deadline is None


def test_mid_paragraph_deadline_stays_in_its_paragraph() -> None:
    text = (
        "一、重点任务\n"
        "加强科技创新,全面落实研发费用加计扣除政策,到2025年,每万人口发明专利拥有量达到8件。\n"
        "推动产品质量提升,每年实施技改项目5000项以上。"
    )
    scope = scope_of(text, 2023)
    assert at(scope, "每年实施技改项目5000项以上").deadline is None


def test_past_year_without_a_comma_reports_a_fact() -> None:
    text = "2023年我国制造业质量竞争力指数达到85.21,到2025年,制造业质量竞争力指数达到86。"
    scope = scope_of(text, 2024)
    assert at(scope, "我国制造业质量竞争力指数达到85.21").past
    future = at(scope, "制造业质量竞争力指数达到86")
    assert (future.past, future.year) == (False, 2025)


def test_one_year_plan_title_gives_its_year_in_full_width_digits() -> None:
    text = "一、强链。年内完成攻关项目１２个。\n二、强基。新建社会公用计量标准１０项。"
    scope = scope_of(text, title="某市２０２５年质量强市工作要点")
    assert at(scope, "新建社会公用计量标准１０项").year == 2025


def test_news_title_with_a_year_sets_no_deadline() -> None:
    scope = scope_of("二、强基。新建社会公用计量标准10项。", title="2025年全市质量工作会议召开")
    assert at(scope, "新建社会公用计量标准10项").deadline is None


def test_report_anchor_deep_in_its_first_clause_ends_the_review() -> None:
    text = (
        "2025年某县政府工作报告\n"
        "（一）产业发展稳中有进。新增规上工业企业45家，建成省级数字化车间12个。\n"
        "2025年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右。\n"
    )
    scope = scope_of(text)
    assert at(scope, "新增规上工业企业45家").past
    assert not at(scope, "地区生产总值增长6%左右").past


def test_any_count_of_past_years_opens_a_review_paragraph() -> None:
    text = "过去三年，全市新增规上工业企业320家。\n三年来，累计建成检验检测公共服务平台12个。\n"
    scope = scope_of(text, 2025)
    assert at(scope, "新增规上工业企业320家").past
    assert at(scope, "累计建成检验检测公共服务平台12个").past


def test_future_cue_with_any_span_turns_a_review_forward() -> None:
    text = "2024年，全市新增规上工业企业120家，未来三年还将新增规上工业企业300家。\n"
    scope = scope_of(text, 2025)
    assert at(scope, "新增规上工业企业120家").past
    assert not at(scope, "还将新增规上工业企业300家").past


def test_a_plan_title_naming_its_five_year_plan_sets_the_deadline() -> None:
    """四川省“十四五”现代流通体系建设实施方案: the plan's items are due by 2025, also without
    期间/末; a news headline about the same period is no plan title."""
    from pipeline import extract

    body = "实施“证照分离”改革全覆盖,新增冷链物流园区30个。"
    plan = extract(body, title="某省“十四五”现代流通体系建设实施方案")
    assert [t.deadline for t in plan.targets] == [2025]
    assert [q.deadline for q in plan.qualitative] == [2025]
    story = extract(body, title="“十四五”以来某省流通体系建设成就综述")
    assert all(t.deadline is None for t in story.targets)
