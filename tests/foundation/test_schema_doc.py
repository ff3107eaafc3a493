"""docs/schema.md is the analyst contract: it must cover the schema and its examples must run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ontology import NODES, RELS, GraphStore, check_read_only_cypher

DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"
PARAMS = {"id": "decision:x", "since": 0}


def examples() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    queries: list[str] = []
    for block in re.findall(r"```cypher\n(.*?)```", text, flags=re.DOTALL):
        current: list[str] = []
        for line in block.splitlines():
            if line.startswith("--"):
                if current:
                    queries.append("\n".join(current))
                current = []
            elif line.strip():
                current.append(line)
        if current:
            queries.append("\n".join(current))
    return queries


def test_every_table_and_property_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, table in NODES.items():
        assert f"### `{name}`" in text, name
        section = text.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
        for column, _ in table.columns:
            assert f"`{column}`" in section, f"{name}.{column}"
    for name, rel in RELS.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), "")
        assert row, name
        assert f"{rel.source} → {rel.target}" in row, name
        for column, _ in rel.columns:
            assert f"`{column}`" in row, f"{name}.{column}"


@pytest.mark.parametrize("cypher", examples())
def test_example_query_runs(cypher: str, tmp_path: Path) -> None:
    with GraphStore(tmp_path / "g.kuzu") as store:
        needed = {p: v for p, v in PARAMS.items() if f"${p}" in cypher}
        result = store.query(check_read_only_cypher(cypher), needed, max_rows=5)
        assert isinstance(result.columns, list)
        assert result.columns
