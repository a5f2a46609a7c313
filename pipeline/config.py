"""Run-time choices: segmenter mode, components, optional spaCy model. The CLI only overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pipeline.components import COMPONENT_ORDER, DEFAULT_COMPONENTS
from pipeline.extract.judge import JUDGE_MODES
from pipeline.segment import SEGMENT_MODES, SEGMENTERS

_CHOICES: dict[str, tuple[str, ...]] = {
    "segment": SEGMENT_MODES,
    "segmenter": SEGMENTERS,
    "judge": JUDGE_MODES,
}


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    segment: str = Field(default="candidates", description="jieba on candidate sentences, or full")
    segmenter: str = Field(default="auto", description="rjieba (jieba-rs), jieba, or auto: rjieba if present")
    components: tuple[str, ...] = DEFAULT_COMPONENTS
    model: str | None = Field(default=None, description="Installed spaCy pipeline name or path")
    judge: str = Field(default="rules", description="Commitment/result judge: rules, model or both")

    @field_validator("segment", "segmenter", "judge")
    @classmethod
    def _known_choice(cls, value: str, info: ValidationInfo) -> str:
        valid = _CHOICES[str(info.field_name)]
        if value not in valid:
            raise ValueError(f"unknown {info.field_name} {value!r}; valid: {', '.join(valid)}")
        return value

    @field_validator("components")
    @classmethod
    def _known_components(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in COMPONENT_ORDER]
        if unknown:
            raise ValueError(f"unknown components {unknown}; valid: {', '.join(COMPONENT_ORDER)}")
        return value
