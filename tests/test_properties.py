"""Properties over any input: the pipeline never raises and every offset indexes the text.

Inputs mix arbitrary Unicode with the fragments policy texts are made of (deadlines, figures in
full-width and traditional forms, 《titles》, agencies, junk characters), so that items are
actually found and their offsets exercised.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.util import get_words_and_spaces

import pipeline
from pipeline import segment
from pipeline.read import RawDocument, read_documents
from pipeline.resources import expand_references, load_yaml
from pipeline.run import process_raw
from pipeline.segment import (
    _MULTI_CHARACTER_RE,
    ZhpolicyTokenizer,
    candidate_pattern,
    is_candidate,
    scan_patterns,
    segment_words,
    words_and_spaces,
)
from pipeline.textview import (
    MAX_SENTENCE_CHARS,
    Sentence,
    TextView,
    _cut_overlong,
    artefact_patterns,
    matching_form,
    split_sentences,
)
from schemas import Document, ErrorRecord

FRAGMENTS = [
    "到2025年",
    "到２０２６年底",
    "十四五期间",
    "，",
    ",",
    "。",
    "；",
    "\n",
    "\r\n",
    " ",
    "　",
    "制造业质量竞争力指数",
    "製造業質量競爭力指數",
    "达到",
    "達到",
    "92",
    "９８．５",
    "％",
    "%",
    "以上",
    "不低于",
    "力争",
    "新增",
    "“专精特新”企业",
    "200家",
    "百分之三十",
    "三个",
    "亿元",
    "增长6%左右",
    "《质量强国建设纲要》",
    "《纲要》",
    "（以下简称",
    "市市场监管局",
    "牵头",
    "负责",
    "青岛市人民政府",
    "质量强市",
    "\x00",
    "\u200b",
    "\ufeff",
    "\x85",
    "\ud7ff",
    "𠮷",
]
policy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), policy_text)
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _assert_offsets(record: Document) -> None:
    text = record.text
    groups = {
        "targets": record.targets,
        "qualitative": record.qualitative,
        "deadlines": record.deadlines,
        "programmes": record.programmes,
        "policies_cited": record.policies_cited,
        "agencies": record.agencies,
    }
    for name, items in groups.items():
        for item in items:
            assert 0 <= item.start <= item.end <= len(text), (name, item)
            assert text[item.start : item.end] == item.evidence, (name, item)
            for mention in getattr(item, "mentions", []):
                assert 0 <= mention.start <= mention.end <= len(text), (name, mention)
                assert text[mention.start : mention.end] == mention.text, (name, mention)


@PROPERTY_SETTINGS
@given(text=any_text)
def test_extract_never_raises_and_offsets_index_the_text(nlp: Language, text: str) -> None:
    record = pipeline.extract(text, nlp=nlp)
    _assert_offsets(record)


@PROPERTY_SETTINGS
@given(text=any_text, is_html=st.booleans())
def test_every_document_yields_a_record(nlp: Language, text: str, is_html: bool) -> None:
    record = process_raw(nlp, RawDocument("doc", "src", text=text, is_html=is_html))
    assert isinstance(record, Document | ErrorRecord)
    if isinstance(record, Document):
        _assert_offsets(record)
    else:
        assert record.error in {"empty_document", "no_main_text"}, record


@PROPERTY_SETTINGS
@given(
    texts=st.lists(any_text | st.text(alphabet="字质量 \n\t\u3000a1,，。[]<>/&;—", max_size=80), max_size=4)
)
def test_tokens_are_the_segmented_words_and_their_spaces(nlp: Language, texts: list[str]) -> None:
    """The tokenizer collects words as lexeme ids (the characters' looked up at once); its tokens
    must be the segmented words with spaCy's spaces, for a fresh tokenizer and one that has
    remembered ids from the texts before."""
    tokenizer = ZhpolicyTokenizer(nlp.vocab)
    for text in texts:
        doc = tokenizer(text)
        words, spaces = words_and_spaces(segment_words(TextView.from_text(text)))
        assert [token.text for token in doc] == words
        assert [bool(token.whitespace_) for token in doc] == spaces


@settings(max_examples=200, deadline=None)
@given(
    text=policy_text | st.text(alphabet="質量強國发展，。到２０２５年 達到90%以上ab\n（）：；", max_size=40),
    cut=st.tuples(st.integers(0, 40), st.integers(0, 40)),
)
def test_a_stretch_is_segmented_as_the_segmenter_cut_back_onto_the_text(
    text: str, cut: tuple[int, int]
) -> None:
    """Segmenting a stretch cuts back from the text only the words holding a character that
    differs from the matching form; the words must be those of cutting back every word."""
    norm = matching_form(text)
    start, end = sorted(min(offset, len(text)) for offset in cut)
    words = segment._segmented_stretch(text, norm, start, end, segment._differences(text, norm))
    assert words == segment.jieba_tokens(text[start:end], norm[start:end])


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec=None), max_size=200) | policy_text)
def test_matching_form_keeps_length_for_any_characters(text: str) -> None:
    assert len(matching_form(text)) == len(text)


@settings(max_examples=200, deadline=None)
@given(text=any_text | st.text(alphabet="字,。\n ", max_size=3000))
def test_sentences_are_bounded_ordered_and_cover_the_text(text: str) -> None:
    sentences = split_sentences(text)
    position = 0
    for sentence in sentences:
        assert position <= sentence.start < sentence.end <= len(text)
        assert sentence.end - sentence.start <= MAX_SENTENCE_CHARS
        assert set(text[position : sentence.start]) <= {"\n"}  # only line breaks between
        position = sentence.end
    assert set(text[position:]) <= {"\n"}


@settings(max_examples=300, deadline=None)
@given(
    text=any_text
    | st.text(alphabet="字。！？!?；;\n ", max_size=60)
    | st.lists(st.sampled_from(["字" * 100] * 6 + ["字,", "。", "\n"]), max_size=40).map("".join)
)
def test_sentences_lie_between_runs_of_end_marks_or_of_line_breaks(text: str) -> None:
    """The sentence pattern matches sentences themselves (for speed); it must find what the plain
    definition finds: the text between runs of end marks or of line breaks, a run of end marks
    ending its sentence, overlong stretches cut."""
    expected: list[Sentence] = []
    start = 0
    for run in re.finditer(r"[。！？!?；;]+|\n+", text):
        end = run.start() if text[run.start()] == "\n" else run.end()
        _cut_overlong(text, start, end, expected)
        start = run.end()
    _cut_overlong(text, start, len(text), expected)
    assert split_sentences(text) == expected


@settings(max_examples=300, deadline=None)
@given(text=any_text | st.text(alphabet="字a Z9 0.,\n\t\u3000", max_size=60))
def test_multi_character_runs_are_whitespace_or_latin_and_digit_runs(text: str) -> None:
    """Outside candidate sentences these runs stay whole tokens; the pattern is written to open
    with a set (for speed) and must find what its plain definition finds."""
    plain = re.compile(r"\s+|[A-Za-z0-9]+(?:[.,][0-9]+)*")
    assert [m.span() for m in _MULTI_CHARACTER_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(text=any_text | st.text(alphabet="—–－-字 \t\n12", max_size=40))
def test_inline_page_numbers_are_what_the_plain_pattern_finds(text: str) -> None:
    """The inline page-number pattern is written to open with a set (for speed); it must find
    what its plain definition finds."""
    plain = re.compile(r"(?:(?<=[ \t])|(?<=^))[—–－]{1,2}[ \t]?\d{1,4}[ \t]?[—–－]{1,2}(?=[ \t]|$)")
    pattern = artefact_patterns().compiled["PAGE_INLINE_RE"]
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(text=any_text | st.text(alphabet="0１2.百分之一十万个项年 字", max_size=30), cut=st.integers(0, 30))
def test_quantity_cue_scan_finds_what_the_plain_cue_finds(text: str, cut: int) -> None:
    """The scan's quantity pattern is written to open with a set (for speed); in any stretch of
    a text it must find what the plain QUANTITY_CUE finds."""
    pattern = scan_patterns().quantity
    plain = re.compile(expand_references(load_yaml("scan.yaml"), "scan.yaml")["QUANTITY_CUE"])
    norm = matching_form(text)
    cut = min(cut, len(norm))
    assert [m.span() for m in pattern.finditer(norm)] == [m.span() for m in plain.finditer(norm)]
    for start, end in ((cut, len(norm)), (0, cut)):
        match, plain_match = pattern.search(norm, start, end), plain.search(norm, start, end)
        assert (match and match.span()) == (plain_match and plain_match.span())


@settings(max_examples=200, deadline=None)
@given(text=policy_text.map(lambda t: t.replace("\n", "").replace("\r", "")))
def test_cue_scan_agrees_with_the_one_pattern_form(text: str) -> None:
    norm = matching_form(text)
    assert is_candidate(norm, 0, len(norm)) == bool(candidate_pattern().search(norm))


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(["制造业", "92", " ", "  ", "\n", " \n", "。", "a"]), max_size=30))
def test_words_and_spaces_matches_spacy(words: list[str]) -> None:
    assert words_and_spaces(words) == get_words_and_spaces(words, "".join(words))


@PROPERTY_SETTINGS
@given(
    data=st.binary(max_size=2000) | policy_text.map(lambda t: t.encode("gb18030", "replace")),
    suffix=st.sampled_from([".txt", ".html", ".jsonl"]),
)
def test_reading_any_bytes_never_raises(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for document in read_documents([str(path)], max_chars=1000):
        assert (document.text is None) != (document.error is None)
        if document.text is not None:
            assert 0 < len(document.text) <= 1000 and document.text.strip()
