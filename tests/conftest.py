"""Shared fixtures: one pipeline per test session; paths to ../shared when it exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

import pipeline

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SAMPLES = PROJECT / "corpora" / "samples"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return pipeline.load()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "gold" / "dev.jsonl").exists():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def seed_text(shared: Path) -> str:
    return (shared / "seed" / "qingdao_zhiliangqiangshi_news.txt").read_text(encoding="utf-8")
