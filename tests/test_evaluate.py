from __future__ import annotations

from pipeline.evaluate import char_f1, evaluate, indicators_compatible, normalise_unit

GOLD = {
    "doc": "d",
    "title": "标题",
    "published": None,
    "jurisdiction": "青岛市",
    "doc_type": "policy",
    "targets": [
        {
            "indicator": "制造业质量竞争力指数",
            "value": 92,
            "unit": None,
            "deadline": 2025,
            "comparator": "ge",
            "kind": "level",
            "direction": None,
            "sector": "C",
        },
        {
            "indicator": "制造业产品质量合格率",
            "value": 97,
            "unit": "%",
            "deadline": 2025,
            "comparator": "ge",
            "kind": "level",
            "direction": None,
            "sector": "C",
        },
        {
            "indicator": "质量奖获奖数量",
            "value": 10,
            "unit": "个",
            "deadline": 2025,
            "comparator": "ge",
            "kind": "level",
            "direction": None,
            "sector": None,
            "optional": True,
        },
    ],
    "programmes": [
        {"name": "领跑者行动", "type": "campaign"},
        {"name": "青岛优品", "type": "brand", "optional": True},
    ],
    "policies_cited": ["质量强国建设纲要"],
    "agencies": ["青岛市人民政府"],
}


def test_units_and_indicators_normalise() -> None:
    assert normalise_unit("％") == normalise_unit("百分之") == "%"
    assert normalise_unit("個") == "个"
    assert indicators_compatible("青岛制造业质量竞争力指数", "制造业质量竞争力指数")
    assert indicators_compatible("製造業質量競爭力指數", "制造业质量竞争力指数")
    assert not indicators_compatible("城镇新增就业", "制造业质量竞争力指数")
    assert char_f1("abcd", "abcd") == 1.0


def test_scoring_pairs_optional_and_names() -> None:
    prediction = {
        "doc": "d",
        "title": "标题",
        "jurisdiction": "青岛市",
        "doc_type": "news",
        "targets": [
            {
                "indicator": "制造业质量竞争力指数",
                "value": 92,
                "unit": None,
                "deadline": 2025,
                "comparator": "ge",
                "kind": "level",
                "sector": "C",
            },
            {
                "indicator": "制造业产品质量合格率",
                "value": 97,
                "unit": "%",
                "deadline": 2026,
                "comparator": "ge",
                "kind": "level",
                "sector": "C",
            },  # wrong deadline: a miss and an extra
            {
                "indicator": "中国质量奖获奖数量",
                "value": 10,
                "unit": "个",
                "deadline": 2025,
                "comparator": "ge",
            },
        ],
        "programmes": [{"name": "“领跑者”行动"}, {"name": "青岛优品"}, {"name": "六个城市"}],
        "policies_cited": [{"name": "质量强国建设纲要"}],
        "agencies": [],
    }
    summary = evaluate({"d": prediction}, [GOLD]).summary()
    assert (summary["targets"]["tp"], summary["targets"]["fp"], summary["targets"]["fn"]) == (1, 1, 1)
    assert summary["matched_pairs"]["comparator_accuracy"] == 1.0
    assert (summary["programmes"]["tp"], summary["programmes"]["fp"], summary["programmes"]["fn"]) == (
        1,
        1,
        0,
    )
    assert summary["policies_cited"]["f1"] == 1.0
    assert summary["agencies"]["fn"] == 1
    assert summary["document_fields"]["doc_type"] == 0.0
    assert summary["document_fields"]["title"] == 1.0


def test_missing_prediction_scores_as_empty() -> None:
    summary = evaluate({}, [GOLD]).summary()
    assert summary["targets"]["fn"] == 2 and summary["targets"]["tp"] == 0
