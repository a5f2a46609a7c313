from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.segment import ZhpolicyTokenizer, is_candidate, segment_words
from pipeline.textview import Sentence, TextView, matching_form, split_sentences


@pytest.mark.parametrize("term", ["质量强市", "首席质量官", "专精特新"])
def test_user_dictionary_keeps_domain_terms_whole(nlp: Language, term: str) -> None:
    doc = nlp(f"到2025年,深入实施{term}战略,培育企业20家。")
    assert term in [token.text for token in doc]


def test_tokens_cover_text_exactly_in_both_modes(nlp: Language) -> None:
    text = "加快建设质量强市。\n到2025年,制造业质量竞争力指数达到92,新增“专精特新”企业 30家。"
    for mode in ("candidates", "full"):
        words = segment_words(TextView.from_text(text), mode)  # type: ignore[arg-type]
        assert "".join(words) == text
    doc = ZhpolicyTokenizer(nlp.vocab, mode="candidates")(text)
    assert doc.text == text


def test_only_candidate_sentences_are_segmented() -> None:
    text = "质量兴则经济兴,质量强则百业强。到2025年,合格率达到98%。"
    words = segment_words(TextView.from_text(text), "candidates")
    assert words[:4] == ["质", "量", "兴", "则"]  # no number, no commitment: characters
    assert "合格率" in words


@pytest.mark.parametrize(
    ("sentence", "candidate"),
    [
        pytest.param("到2025年,合格率达到98%。", True, id="value_and_cue"),
        pytest.param("新增专精特新企业三十家。", True, id="chinese_numeral_count"),
        pytest.param("2025年1月20日,会议在济南召开。", False, id="dates_are_no_quantity"),
        pytest.param("到2025年,质量整体水平进一步提高。", False, id="deadline_without_value"),
        pytest.param("深入实施《质量强国建设纲要》。", False, id="named_policy_needs_no_jieba"),
        pytest.param("研发经费投入强度达到2.5以上。", True, id="decimal_value"),
    ],
)
def test_candidate_scan(sentence: str, candidate: bool) -> None:
    norm = matching_form(sentence)
    assert is_candidate(norm, 0, len(norm)) is candidate


def test_spans_align_exactly_outside_candidate_sentences(nlp: Language) -> None:
    text = "深入实施“青岛优品”工程,落实《质量强国建设纲要》。"
    doc = nlp(text)
    start = text.index("青岛优品")
    assert doc.char_span(start, start + 4, alignment_mode="strict") is not None


def test_traditional_text_is_matched_in_simplified_with_same_length() -> None:
    text = "到2025年，製造業質量競爭力指數達到８８"
    norm = matching_form(text)
    assert len(norm) == len(text)
    assert norm == "到2025年,制造业质量竞争力指数达到88"


def test_sentences_split_on_end_marks_and_lines() -> None:
    text = "第一句。第二句;第三句\n第四句"
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "第一句。",
        "第二句;",
        "第三句",
        "第四句",
    ]


def test_unknown_segment_mode_lists_valid_ones(nlp: Language) -> None:
    with pytest.raises(ValueError, match="candidates, full"):
        ZhpolicyTokenizer(nlp.vocab, mode="bogus")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "simplified_match", "original"),
    [
        pytest.param("乾隆年間，於2025年前達到98％", "达到98%", "達到98％", id="phrase-and-full-width"),
        pytest.param("後來製造業產值增長６．５％以上", "增长6.5%", "增長６．５％", id="full-width-decimal"),
        pytest.param("臺灣羣衆纔藉口", "台湾群众才借口", "臺灣羣衆纔藉口", id="variants"),
        pytest.param("目標\ud800達到92", "达到92", "達到92", id="lone-surrogate"),
        pytest.param("a\x00達到92", "达到92", "達到92", id="nul-opencc-mishandles"),
    ],
)
def test_matches_on_the_matching_form_slice_the_original(
    text: str, simplified_match: str, original: str
) -> None:
    norm = matching_form(text)
    assert len(norm) == len(text)
    start = norm.index(simplified_match)
    assert text[start : start + len(simplified_match)] == original


def test_overlong_line_without_punctuation_is_cut_and_still_tiled() -> None:
    text = "质量强市建设深入推进" * 500 + "到2025年达到92" + "制造业" * 2000
    view = TextView.from_text(text)
    assert max(s.end - s.start for s in view.sentences) <= 1000
    assert "".join(segment_words(view, "candidates")) == text
    sentence = view.sentence_at(text.index("到2025年"))
    assert sentence.start <= text.index("到2025年") < sentence.end


def test_cut_prefers_a_comma_to_a_hard_break() -> None:
    text = ("制造业高质量发展," * 200).rstrip(",")
    sentences = split_sentences(text)
    assert len(sentences) > 1
    assert all(text[s.end - 1] == "," for s in sentences[:-1])


def test_sentence_at_finds_the_sentence_or_an_empty_one_between() -> None:
    view = TextView.from_text("第一句。\n\n第二句。")
    assert view.sentence_at(5) == Sentence(5, 5)  # a line break between sentences
    assert view.sentence_at(7) == Sentence(6, 10)


SEGMENTER_SENTENCES = [
    "到2025年,青岛制造业质量竞争力指数达到92,首席质量官制度覆盖规上企业。",
    "深入实施质量强市战略,培育专精特新企业30家,打造“青岛优品”区域品牌。",
    "全市地区生产总值增长5.2%、约4.4万亿元,一般公共预算收入增长8.2%。",
]


def test_rjieba_and_jieba_segment_alike_with_the_user_dictionary() -> None:
    from pipeline import segment

    before = list(segment._active_segmenter)
    try:
        assert segment.use_segmenter("rjieba") == "rjieba"
        fast = [segment.jieba_tokens(s, matching_form(s)) for s in SEGMENTER_SENTENCES]
        assert segment.use_segmenter("jieba") == "jieba"
        slow = [segment.jieba_tokens(s, matching_form(s)) for s in SEGMENTER_SENTENCES]
    finally:
        segment._active_segmenter[:] = before
    assert fast == slow
    assert "首席质量官" in fast[0] and "质量强市" in fast[1]


def test_unknown_segmenter_is_refused() -> None:
    from pipeline import PipelineConfig
    from pipeline.segment import use_segmenter

    with pytest.raises(ValueError, match="unknown segmenter"):
        use_segmenter("thulac")
    with pytest.raises(ValueError, match="unknown segmenter"):
        PipelineConfig(segmenter="thulac")


def test_jieba_caches_in_the_user_cache_directory_and_closes_its_files(tmp_path: Path) -> None:
    """A fresh process: jieba's cache goes to $XDG_CACHE_HOME/zhpolicy, not the temp dir, and
    loading the user dictionary leaves no file open (ResourceWarning turned into an error)."""
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    temp.mkdir()
    script = (
        "import gc, warnings\n"
        "warnings.simplefilter('error', ResourceWarning)\n"
        "from pipeline.segment import load_user_dictionary, use_segmenter\n"
        "load_user_dictionary(); use_segmenter('jieba'); gc.collect()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "TMPDIR": str(temp)}
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "ResourceWarning" not in done.stderr
    assert list((cache / "zhpolicy" / "jieba").glob("jieba*.cache"))
    assert not list(temp.glob("jieba*"))


def test_remembered_lexeme_ids_give_the_same_tokens() -> None:
    """The tokenizer hands ``Doc`` the ids of words it has seen; the second doc of a text must
    hold the very tokens (text, whitespace, lexemes) a fresh vocabulary gives."""
    import spacy

    text = "质量兴则经济兴。\n到2025年,制造业质量竞争力指数达到92, 新增“专精特新”企业 30家。"
    tokenizer = ZhpolicyTokenizer(spacy.blank("zh").vocab)
    first, second = tokenizer(text), tokenizer(text)
    fresh = ZhpolicyTokenizer(spacy.blank("zh").vocab)(text)
    expected = [(t.text, t.whitespace_, t.orth) for t in fresh]
    assert [(t.text, t.whitespace_, t.orth) for t in first] == expected
    assert [(t.text, t.whitespace_, t.orth) for t in second] == expected
    assert second.text == text


def test_words_first_seen_in_a_memory_zone_are_not_remembered() -> None:
    """A lexeme made inside a memory zone is freed with it: its id must not be reused after."""
    import spacy

    nlp = spacy.blank("zh")
    tokenizer = ZhpolicyTokenizer(nlp.vocab)
    with nlp.memory_zone():
        inside = tokenizer("鳕鳟鲟鳇养殖规模稳步扩大。")
        assert [t.text for t in inside][:4] == ["鳕", "鳟", "鲟", "鳇"]
    after = tokenizer("鳕鳟鲟鳇养殖规模稳步扩大。")
    assert after.text == "鳕鳟鲟鳇养殖规模稳步扩大。"
    assert [t.text for t in after][:4] == ["鳕", "鳟", "鲟", "鳇"]
    assert after[0].orth_ == "鳕"
