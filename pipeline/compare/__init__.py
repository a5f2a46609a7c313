"""Compare extracted records across places: canonical indicators, a table against the national
line, a chart, programme and policy overlap, and an embedded DuckDB database.

One concern per module: ``registry`` (canonical indicators and name mapping), ``records``
(reading JSONL output), ``table`` (the comparison), ``render`` (terminal, CSV, Markdown, HTML),
``chart`` (matplotlib), ``overlap`` (shared programmes and policies), ``db`` (DuckDB).
"""

from __future__ import annotations

from pipeline.compare.overlap import Overlap, build_overlap
from pipeline.compare.records import read_records
from pipeline.compare.registry import IndicatorRegistry, load_registry
from pipeline.compare.table import Comparison, build_comparison, most_covered_row

__all__ = [
    "Comparison",
    "IndicatorRegistry",
    "Overlap",
    "build_comparison",
    "build_overlap",
    "load_registry",
    "most_covered_row",
    "read_records",
]
