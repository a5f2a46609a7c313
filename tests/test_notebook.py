"""The walkthrough notebook runs from top to bottom (kernel: this interpreter, via ipykernel)."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import PROJECT, SAMPLES

NOTEBOOK = PROJECT / "notebooks" / "compare_cities.ipynb"


def _execute() -> list[Any]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    return outputs


def test_compare_cities_notebook_executes() -> None:
    outputs = _execute()
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    streams = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    markdown = "".join(str(output.get("data", {}).get("text/markdown", "")) for output in outputs)
    assert "records written" in streams
    if (PROJECT.parent / "shared" / "corpus" / "dev").is_dir():
        # The dev corpus has the index in several places: a table with the cities and a chart.
        assert "| 制造业质量竞争力指数 | mfg_quality_competitiveness_index |" in markdown
        assert "≥92 (2025)" in markdown and "≥83 (2025)" in markdown
        assert images


def test_notebook_runs_on_the_bundled_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback when ../shared is absent: a small corpus must not break any step."""
    monkeypatch.setenv("ZHPOLICY_CORPUS", str(SAMPLES))
    outputs = _execute()
    streams = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    assert f"corpus: {SAMPLES}" in streams and "4 records written" in streams
