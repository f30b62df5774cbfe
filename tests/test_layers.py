"""Data flows one way: file → text → plan tree → graph fragment → store → queries → API / CLI / pages.

Checked on the import statements of the package's own modules (``ast``, so a lazy import inside a function
counts too): a layer may import the layers below it, never one above.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "policygraph"


def imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return {i for i in out if i.startswith("policygraph")}


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


# layer → the package modules it must not import (a prefix matches the module and everything under it)
FORBIDDEN = {
    "loaders": ["policygraph.graph", "policygraph.align", "policygraph.queries", "policygraph.ingest",
                "policygraph.api", "policygraph.viz"],
    "graph": ["policygraph.loaders.parse", "policygraph.loaders.structure", "policygraph.align",
              "policygraph.queries", "policygraph.ingest", "policygraph.api", "policygraph.viz"],
    "align": ["policygraph.queries", "policygraph.ingest", "policygraph.api", "policygraph.viz"],
    # the read path never loads the aligner (scikit-learn: 1.7 s of a fresh process's first answer)
    "queries": ["policygraph.loaders.parse", "policygraph.align", "policygraph.ingest", "policygraph.api",
                "policygraph.viz"],
    "viz": ["policygraph.loaders", "policygraph.align", "policygraph.ingest", "policygraph.api.routes_write"],
    # linked data reads the store like the queries do, and is served by api/ and the CLI, never the other way
    "linked": ["policygraph.loaders.parse", "policygraph.align", "policygraph.ingest", "policygraph.api",
               "policygraph.viz", "policygraph.cli"],
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_reaches_back_up(layer: str) -> None:
    found = modules(layer)
    assert found, f"no modules under policygraph/{layer}"
    bad = [f"{m.relative_to(PACKAGE)} imports {i}" for m in found for i in sorted(imports(m))
           if any(i == f or i.startswith(f + ".") for f in FORBIDDEN[layer])]
    assert not bad, "; ".join(bad)


def test_the_check_sees_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from policygraph.ingest import load_paths\n", encoding="utf-8")
    assert "policygraph.ingest" in imports(sample)
