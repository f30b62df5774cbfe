"""The generated benchmark corpus (issue 10): does it read like real plans, and can its truth be trusted?

One size-S corpus is generated for the module (about a hundred plans, a few seconds) and every document is parsed
with the project's own loaders, as a user's load would.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.benchmark import TruthPlan, TruthTask, generate, read_truth
from policygraph.cli import main
from policygraph.loaders.jurisdictions import resolve
from policygraph.loaders.model import LEVEL_RANK, Measure, PlanTree
from policygraph.loaders.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
SEED = 0


class Corpus:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        records = list(read_truth(folder))
        self.plans: dict[str, TruthPlan] = {r.id: r for r in records if isinstance(r, TruthPlan)}
        self.tasks: dict[str, list[TruthTask]] = defaultdict(list)
        for r in records:
            if isinstance(r, TruthTask):
                self.tasks[r.plan].append(r)
        self.trees: dict[str, PlanTree] = {}

    def tree(self, plan_id: str) -> PlanTree:
        if plan_id not in self.trees:
            self.trees[plan_id] = parse_file(self.folder / self.plans[plan_id].file)
        return self.trees[plan_id]

    def task(self, plan_id: str, n: int) -> TruthTask:
        return self.tasks[plan_id][n - 1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    out = tmp_path_factory.mktemp("bench") / "S"
    generate("S", SEED, out, CORPUS)
    return Corpus(out)


def _units(tree: PlanTree) -> list[Measure]:
    return [m for m in tree.measures if m.kind == "task"]


def test_size_s_is_about_a_hundred_plans_of_a_national_cascade(corpus: Corpus) -> None:
    levels = [p.level for p in corpus.plans.values()]
    assert 80 <= len(levels) <= 120
    assert levels.count("national") == 1 and levels.count("province") == 4
    assert {"city", "county"} <= set(levels)


def test_every_generated_document_parses_without_refusal(corpus: Corpus) -> None:
    for plan_id in corpus.plans:
        assert _units(corpus.tree(plan_id)), plan_id


def test_the_parser_finds_exactly_the_task_units_the_truth_records(corpus: Corpus) -> None:
    wrong = {p.file: (len(_units(corpus.tree(p.id))), p.tasks) for p in corpus.plans.values()
             if len(_units(corpus.tree(p.id))) != p.tasks}
    assert not wrong


def test_the_parser_reads_the_bodies_and_roles_the_truth_records(corpus: Corpus) -> None:
    for plan_id in list(corpus.plans)[::7]:
        parsed = _units(corpus.tree(plan_id))
        for unit, truth in zip(parsed, corpus.tasks[plan_id]):
            assert [a.role for a in unit.agencies] == [a.role for a in truth.agencies], (plan_id, truth.task)


def test_each_plan_is_read_as_the_place_the_truth_gives(corpus: Corpus) -> None:
    for p in corpus.plans.values():
        assert corpus.tree(p.id).plan.jurisdiction.code == p.jurisdiction.code, p.file


def test_the_corpus_uses_every_layout_and_format(corpus: Corpus) -> None:
    plans = list(corpus.plans.values())
    assert {p.format for p in plans} == {"utf-8", "gb18030", "docx", "html"}
    assert {p.layout.responsibility for p in plans} == {"bracket-support", "bracket-responsible", "bracket-label",
                                                       "bracket-lead-label", "label-line", "leading-clause"}
    assert {p.layout.numbering for p in plans} == {"cn-items", "arabic-items", "sections-only"}
    assert any(p.layout.wrap for p in plans) and any(p.layout.one_line for p in plans)


def test_every_task_records_parents_that_exist_one_level_up(corpus: Corpus) -> None:
    for plan_id, tasks in corpus.tasks.items():
        plan = corpus.plans[plan_id]
        assert [t.task for t in tasks] == list(range(1, plan.tasks + 1))
        for t in tasks:
            assert (t.origin == "derived") == bool(t.derives_from)
            for ref in t.derives_from:
                parent = corpus.plans[ref.plan]
                assert ref.plan == plan.parent_plan and ref.file == parent.file
                assert LEVEL_RANK[parent.level] < LEVEL_RANK[plan.level]
                assert 1 <= ref.task <= parent.tasks


def test_every_plan_hangs_under_its_parent_plans_place(corpus: Corpus) -> None:
    for p in corpus.plans.values():
        if p.level == "national":
            assert p.parent_plan is None
            continue
        parent = corpus.plans[p.parent_plan or ""]
        if parent.level == "national":
            assert p.level == "province"
        else:
            assert p.jurisdiction.parent_codes[0] == parent.jurisdiction.code
            assert p.jurisdiction.parents[0] == parent.jurisdiction.name


def test_jurisdictions_are_real_divisions_and_shanghais_districts_hang_under_the_province(corpus: Corpus) -> None:
    for p in corpus.plans.values():
        if p.level != "national":
            j = resolve(p.jurisdiction.name, p.jurisdiction.parents)
            assert j is not None and j.code == p.jurisdiction.code and j.parents == p.jurisdiction.parents
    shanghai = [p for p in corpus.plans.values() if p.jurisdiction.parents == ["上海市"]]
    assert shanghai and all(p.level == "county" and corpus.plans[p.parent_plan or ""].jurisdiction.name == "上海市"
                            for p in shanghai)


def test_a_changed_target_says_how_it_moved_from_the_parents_value(corpus: Corpus) -> None:
    changes = set()
    for plan_id, tasks in corpus.tasks.items():
        for t in tasks:
            if not t.derives_from:
                assert all(g.change is None for g in t.targets)
                continue
            parent = corpus.task(t.derives_from[0].plan, t.derives_from[0].task)
            assert [g.metric for g in t.targets] == [g.metric for g in parent.targets]
            for g, pg in zip(t.targets, parent.targets):
                assert g.parent_value == pg.value
                up = 1 if g.comparator == ">=" else -1
                expected = "raised" if (g.value - pg.value) * up > 0 else "weakened" if g.value != pg.value else "kept"
                assert g.change == expected
                changes.add(g.change)
    assert changes == {"raised", "kept", "weakened"}


def test_a_lower_plan_rewords_drops_and_adds_measures(corpus: Corpus) -> None:
    edits = {e for tasks in corpus.tasks.values() for t in tasks for e in t.edits}
    assert {"reordered", "synonyms", "place", "targets"} <= edits
    origins = {t.origin for tasks in corpus.tasks.values() for t in tasks}
    assert origins == {"seed", "derived", "local"}
    dropped = 0
    for p in corpus.plans.values():
        if p.parent_plan:
            kept = {ref.task for t in corpus.tasks[p.id] for ref in t.derives_from}
            dropped += corpus.plans[p.parent_plan].tasks - len(kept)
    assert dropped > 0


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another(tmp_path: Path, corpus: Corpus) -> None:
    generate("S", SEED, tmp_path / "again", CORPUS)
    generate("S", SEED + 1, tmp_path / "other", CORPUS)

    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for f in sorted(folder.rglob("*")):
            if f.is_file() and f.name != "manifest.json":
                h.update(f.relative_to(folder).as_posix().encode() + f.read_bytes())
        return h.hexdigest()

    assert digest(tmp_path / "again") == digest(corpus.folder)
    assert digest(tmp_path / "other") != digest(corpus.folder)


def test_bench_generate_refuses_a_folder_that_is_not_empty_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "generate", "--size", "S", "--corpus", str(CORPUS), str(tmp_path)])
    assert result.exit_code == 2
    assert "not an empty folder" in result.output and len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_bench_generate_writes_documents_truth_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "S"
    result = CliRunner().invoke(main, ["bench", "generate", "--size", "S", "--seed", "3", "--corpus", str(CORPUS),
                                       str(out)])
    assert result.exit_code == 0, result.output
    assert "plans" in result.output and (out / "truth.jsonl").is_file() and (out / "manifest.json").is_file()
    assert any((out / "docs").rglob("*.docx")) and any((out / "docs").rglob("*.html"))
