"""The README and --help are part of the product: a documented thing that goes missing fails here."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.graph.model import EDGE_TYPES, NODE_LABELS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: object, prefix: str = "policygraph") -> list[str]:
    import click

    out = []
    assert isinstance(group, click.Group)
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, f"{prefix} {name}"))
        else:
            out.append(f"{prefix} {name}")
    return out


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_is_documented_in_the_readme_and_has_help(command: str) -> None:
    assert f"`{command}" in README, f"README does not document {command}"
    result = CliRunner().invoke(main, [*command.split()[1:], "--help"])
    assert result.exit_code == 0 and len(result.output) > 80


@pytest.mark.parametrize("name", [*NODE_LABELS, *EDGE_TYPES])
def test_every_node_and_edge_type_is_documented(name: str) -> None:
    assert f"| {name} |" in README


def test_readme_gives_exactly_two_setup_commands_that_exist() -> None:
    block = README.split("## Set up", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert len(commands) == 2
    for c in commands:
        assert (ROOT / c.split()[0]).is_file()


def test_docker_compose_runs_neo4j_5_with_a_volume_and_healthcheck_and_the_api_against_it() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5")
    assert "healthcheck" in neo4j and any(v.endswith(":/data") for v in neo4j["volumes"])
    assert "neo4j-data" in compose["volumes"]
    api = compose["services"]["api"]
    assert api["environment"]["POLICYGRAPH_STORE"].startswith("neo4j://neo4j")
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"


def _api_paths() -> list[str]:
    from policygraph.api.app import create_app
    from policygraph.graph.sqlite_store import SqliteStore

    app = create_app(SqliteStore(":memory:"))
    return sorted(app.openapi()["paths"])


@pytest.mark.parametrize("path", _api_paths())
def test_every_api_endpoint_is_documented_in_the_readme(path: str) -> None:
    import re

    def shape(text: str) -> str:
        return re.sub(r"\{[^}/]*\}", "{}", text)

    assert shape(path.removeprefix("/api/v1")) in shape(README), f"README does not document {path}"
