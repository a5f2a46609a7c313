"""The pipeline's lexicons: GB/T 2260 county codes, validation at load time, saving with the
pipeline, and the one name-normalising module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy

import pipeline
import pipeline.lexicon as lexicon_module
from pipeline.compare import db, overlap
from pipeline.evaluate import normalise_name
from pipeline.lexicon import LEXICON_FILES, default_lexicon, load_lexicon
from pipeline.lexicon.names import name_key
from pipeline.resources import RESOURCE_DIR, ResourceError

NOTICE = (
    "鞍山市立山区人民政府文件\n鞍立政发〔2023〕2号\n"
    "立山区人民政府关于印发《立山区质量强区建设实施方案》的通知\n各街道办事处:\n"
    "现将《立山区质量强区建设实施方案》印发给你们,请认真贯彻落实。"
)


@pytest.mark.parametrize(
    ("name", "code", "parent", "jurisdiction"),
    [
        ("立山区", "210304", "鞍山市", "鞍山市立山区"),
        ("九龙坡区", "500107", "重庆市", "重庆市九龙坡区"),
        ("平阴县", "370124", "济南市", "平阴县"),
        ("南安市", "350583", "泉州市", "南安市"),
        ("阿巴嘎旗", "152522", "锡林郭勒盟", "阿巴嘎旗"),
        ("济源市", "419001", "河南省", "济源市"),
        ("神农架林区", "429021", "湖北省", "神农架林区"),
    ],
)
def test_county_codes_and_parents(name: str, code: str, parent: str, jurisdiction: str) -> None:
    place = default_lexicon().places.by_code[code]
    assert (place.name, place.level, place.parent, place.jurisdiction) == (
        name,
        "county",
        parent,
        jurisdiction,
    )


def test_every_county_sits_in_its_parent() -> None:
    table = default_lexicon().places
    counties = [p for p in table.rows if p.level == "county"]
    assert len(counties) > 2800  # GB/T 2260 has some 2,850 county-level divisions
    for county in counties:
        parent = table.parent_of(county)
        assert parent is not None and parent.code[:2] == county.code[:2], county.name
        assert parent.level == "province" or parent.code[:4] == county.code[:4], county.name
    # a name several cities share is kept once per city
    assert {p.parent for p in table.named("鼓楼区")} == {"南京市", "徐州市", "福州市", "开封市"}


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    directory = tmp_path / "lexicon"
    directory.mkdir()
    for file_name in LEXICON_FILES:
        shutil.copyfile(RESOURCE_DIR / file_name, directory / file_name)
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "places.tsv",
            "平阴县\t370124",
            "平阴县\t37012X",
            r"places\.tsv line \d+ \('平阴县'\): code '37012X'",
        ),
        (
            "places.tsv",
            "立山区\t210304\tcounty\t\t鞍山市",
            "立山区\t210304\tcounty\t\t鞍山府",
            "unknown parent 鞍山府",
        ),
        ("places.tsv", "南安市\t350583", "南安市\t370124", "(平阴县.*code 370124 already given to 南安市)"),
        (
            "doc_types.yaml",
            "own_place: '(?:结合",
            "own_place: '((?:结合",
            "doc_types.yaml: own_place does not compile",
        ),
        ("place_rules.yaml", "  - 城区\n", "  - 城区\n  - 不是县区\n", r"needs_parent lists '不是县区'"),
        (
            "programmes.yaml",
            "\n",
            "\nduplicate: 1\nduplicate: 2\n",
            r"programmes\.yaml: duplicate key 'duplicate'",
        ),
    ],
)
def test_a_broken_lexicon_names_file_and_entry(
    tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    with pytest.raises(ResourceError, match=message):
        load_lexicon(_broken_copy(tmp_path, name, old, new))


def test_a_broken_resource_stops_pipeline_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = _broken_copy(tmp_path, "places.tsv", "平阴县\t370124", "平阴县\t370")
    monkeypatch.setattr(lexicon_module, "default_lexicon", lambda: load_lexicon(broken))
    with pytest.raises(ResourceError, match=r"places\.tsv line"):
        pipeline.load()


def test_lexicon_saved_with_the_pipeline(tmp_path: Path) -> None:
    nlp = pipeline.load()
    expected = pipeline.process(nlp, NOTICE, "notice")
    assert (expected.jurisdiction, expected.jurisdiction_code) == ("鞍山市立山区", "210304")
    nlp.to_disk(tmp_path / "nlp")
    saved = tmp_path / "nlp" / "zhpolicy_document"
    assert sorted(p.name for p in saved.iterdir()) == sorted(LEXICON_FILES)
    reloaded = pipeline.process(spacy.load(tmp_path / "nlp"), NOTICE, "notice")
    assert reloaded.model_dump() == expected.model_dump()
    # the reloaded pipeline reads its own saved lexicon, not the package's
    places = saved / "places.tsv"
    places.write_text(places.read_text(encoding="utf-8").replace("立山区\t210304", "立山区\t210399"), "utf-8")
    assert pipeline.process(spacy.load(tmp_path / "nlp"), NOTICE, "notice").jurisdiction_code == "210399"
    # and validates it: a broken saved lexicon does not load
    places.write_text(places.read_text(encoding="utf-8").replace("立山区\t210399", "立山区\tabc"), "utf-8")
    with pytest.raises(ResourceError, match=r"places\.tsv line"):
        spacy.load(tmp_path / "nlp")


def test_one_name_key_everywhere() -> None:
    assert name_key("《質量強國建設綱要》") == name_key("质量强国建设纲要") == "质量强国建设纲要"
    assert name_key("“青岛优品” 工程") == "青岛优品工程"
    assert normalise_name("《質量強國》") == name_key("《質量強國》")
    assert db.normalise_name is name_key and overlap.normalise_name is name_key


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_broken_resource_stops_extract_before_any_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    broken = _broken_copy(tmp_path, "doc_types.yaml", "own_place: '(?:结合", "own_place: '((?:结合")
    monkeypatch.setattr(lexicon_module, "default_lexicon", lambda: load_lexicon(broken))
    source = tmp_path / "in.txt"
    source.write_text("青岛市人民政府关于加快质量强市建设的实施意见\n提出如下意见。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(source), "-o", str(out), "-q", "--workers", workers])
    assert result.exit_code == 2
    assert "doc_types.yaml: own_place does not compile" in " ".join(result.output.split())
    assert not out.exists()  # nothing was written: no internal_error record per document


def test_place_names_found_longest_first_left_to_right() -> None:
    """The table's matcher finds at each position the longest place name written there and goes
    on after it, as trying every name would."""
    import random

    table = default_lexicon().places
    names = sorted(table.by_name)
    rng = random.Random(23)
    pieces = [*rng.sample(names, 300), "吉林", "吉林市", "鼓楼区", "示范县", "的", "，", "新", "年", "\n"]

    def every_name(haystack: str) -> list[tuple[int, str]]:
        found, position = [], 0
        while position < len(haystack):
            here = [n for n in names if haystack.startswith(n, position)]
            if here:
                name = max(here, key=len)
                found.append((position, name))
                position += len(name)
            else:
                position += 1
        return found

    for _ in range(200):
        haystack = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        found = [(position, name) for position, name, _ in table.finditer(haystack)]
        assert found == every_name(haystack), haystack
