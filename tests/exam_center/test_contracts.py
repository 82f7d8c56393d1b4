"""The CLI's JSON contracts are byte-identical to the goldens printed before the grading
chain moved into `grading.grade` and the read models became typed (see `contracts`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exam_center.services.read_models import AwardList, NationalView, Standings, TeamList
from tests.exam_center.contracts import GOLDEN, contract_outputs

MODELS = {"results": Standings, "awards": AwardList, "teams": TeamList, "national": NationalView}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return contract_outputs(tmp_path_factory.mktemp("contracts"))


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.json")))
def test_the_cli_prints_the_golden_bytes(printed: dict[str, str], name: str) -> None:
    assert printed[name] == (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["results", "awards", "teams", "national"])
def test_finalised_results_read_from_the_seal_print_the_same_bytes(
    printed: dict[str, str], command: str
) -> None:
    """Once final, the CLI reads the sealed snapshot instead of computing again."""
    golden = (GOLDEN / f"decided-{command}.json").read_text(encoding="utf-8")
    assert printed[f"finalised-{command}.json"] == golden


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.json")))
def test_a_read_model_read_back_from_its_json_gives_the_same_json(name: str) -> None:
    """The exports read a finalised snapshot (stored JSON) through the same types."""
    doc = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    model = MODELS[Path(name).stem.split("-", 1)[1]]
    assert model.from_json(doc).to_json() == doc
