"""Run-time choices: segmenter mode, components, optional spaCy model. The CLI only overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.components import COMPONENT_ORDER, DEFAULT_COMPONENTS
from pipeline.extract.judge import JUDGE_MODES
from pipeline.segment import SEGMENT_MODES, SEGMENTERS


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    segment: str = Field(default="candidates", description="jieba on candidate sentences, or full")
    segmenter: str = Field(default="auto", description="rjieba (jieba-rs), jieba, or auto: rjieba if present")
    components: tuple[str, ...] = DEFAULT_COMPONENTS
    model: str | None = Field(default=None, description="Installed spaCy pipeline name or path")
    judge: str = Field(default="rules", description="Commitment/result judge: rules, model or both")

    @field_validator("segment")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in SEGMENT_MODES:
            raise ValueError(f"unknown segment mode {value!r}; valid: {', '.join(SEGMENT_MODES)}")
        return value

    @field_validator("judge")
    @classmethod
    def _known_judge(cls, value: str) -> str:
        if value not in JUDGE_MODES:
            raise ValueError(f"unknown judge {value!r}; valid: {', '.join(JUDGE_MODES)}")
        return value

    @field_validator("segmenter")
    @classmethod
    def _known_segmenter(cls, value: str) -> str:
        if value not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {value!r}; valid: {', '.join(SEGMENTERS)}")
        return value

    @field_validator("components")
    @classmethod
    def _known_components(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in COMPONENT_ORDER]
        if unknown:
            raise ValueError(f"unknown components {unknown}; valid: {', '.join(COMPONENT_ORDER)}")
        return value
