"""Lexicons owned by the pipeline: places (GB/T 2260, every county), title / date / type patterns,
and the agency, programme, policy and sector lexicons.

:func:`load_lexicon` reads and validates them (a broken file raises :class:`ResourceError`
naming the file and the entry); ``pipeline.load()`` does so before any document is read, and
the ``zhpolicy_document`` component keeps its :class:`Lexicon` as state, written with
``nlp.to_disk`` and read back by ``spacy.load``. :mod:`pipeline.lexicon.names` is the one
name-normalising module.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.lexicon.fields import FIELDS_FILE, FieldPatterns, build_field_patterns
from pipeline.lexicon.places import PLACES_FILE, RULES_FILE, Place, PlaceTable, build_place_table
from pipeline.resources import RESOURCE_DIR, ResourceError, load_yaml, numbered_lines, parse_yaml

__all__ = [
    "LEXICON_FILES",
    "Lexicon",
    "Place",
    "PlaceTable",
    "ResourceError",
    "default_lexicon",
    "load_lexicon",
    "validate_resources",
]

# The files a lexicon is made of, saved with the pipeline. The agency, programme, policy and
# sector lexicons are read by their extractors; they travel with the pipeline so that a saved
# pipeline documents exactly which lexicons it was run with.
LEXICON_FILES = (
    PLACES_FILE,
    RULES_FILE,
    FIELDS_FILE,
    "agencies.yaml",
    "programmes.yaml",
    "policies.yaml",
    "sectors.yaml",
    "place_pinyin.tsv",
)


@dataclass(frozen=True)
class Lexicon:
    places: PlaceTable
    fields: FieldPatterns
    directory: Path

    def to_disk(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        for name in LEXICON_FILES:
            shutil.copyfile(self.directory / name, path / name)


def _read(directory: Path, name: str) -> str:
    path = directory / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourceError(f"{name}: missing from {directory}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{name}: cannot be read: {exc}") from exc


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Read and validate the lexicon files in ``directory`` (default: the package's resources)."""
    directory = directory or RESOURCE_DIR

    def yaml_file(name: str) -> object:
        # the package's own files through the cached loader their extractors use as well
        return load_yaml(name) if directory == RESOURCE_DIR else parse_yaml(_read(directory, name), name)

    for name in LEXICON_FILES[3:]:
        if name.endswith(".yaml"):
            yaml_file(name)  # well-formed YAML without duplicate keys
    places = build_place_table(numbered_lines(_read(directory, PLACES_FILE)), yaml_file(RULES_FILE))
    fields = build_field_patterns(yaml_file(FIELDS_FILE))
    return Lexicon(places=places, fields=fields, directory=directory)


@cache
def default_lexicon() -> Lexicon:
    """The package's lexicon, loaded once per process."""
    return load_lexicon()


def validate_resources() -> None:
    """Load every resource the extractors use, so that a broken file stops the run at once.

    Each loader is cached: this costs what the first document would have cost anyway.
    """
    from pipeline.clean import furniture_patterns
    from pipeline.compare.registry import load_registry
    from pipeline.extract import deadlines, qualitative
    from pipeline.extract.agencies import agency_patterns
    from pipeline.extract.judge import judge_rules
    from pipeline.extract.policies import policy_patterns
    from pipeline.extract.programmes import programme_resources
    from pipeline.extract.responsible import responsible_patterns
    from pipeline.extract.sectors import sector_words
    from pipeline.extract.source_place import source_stopwords
    from pipeline.extract.targets import target_rules
    from pipeline.lexicon.place_pinyin import place_pinyin
    from pipeline.resolve.comparators import comparator_lexicon
    from pipeline.resolve.units import unit_lexicon
    from pipeline.segment import scan_patterns
    from pipeline.structure import structure_patterns
    from pipeline.textview import artefact_patterns

    default_lexicon()
    for loader in (
        furniture_patterns,
        artefact_patterns,
        scan_patterns,
        structure_patterns,
        deadlines.patterns,
        deadlines.words,
        qualitative.patterns,
        target_rules,
        judge_rules,
        place_pinyin,
        source_stopwords,
        programme_resources,
        policy_patterns,
        agency_patterns,
        responsible_patterns,
        sector_words,
        comparator_lexicon,
        unit_lexicon,
        load_registry,
    ):
        loader()
