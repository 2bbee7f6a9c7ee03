"""`vawg run` / `vawg annotate` with an executor: shards, merged records, reruns that add nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch.distribute import annotate_to_shards
from pipeline.cli.annotate import annotate
from pipeline.cli.run import run
from pipeline.errors import VawgError
from pipeline.store import open_store
from tests.batch.corpus_maker import documents, write_jsonl


def test_run_with_executor_indexes_shards_and_resumes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for doc in documents(5):
        (src / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
    out, db = tmp_path / "out", str(tmp_path / "corpus.db")
    first = run([src], db, out, batch_size=2, executor="local", workers=2)
    assert first.documents == 5 and first.mentions > 0
    manifest = [json.loads(line) for line in (out / "shards" / "manifest.jsonl").read_text().splitlines()]
    assert sum(line["documents"] for line in manifest) == 5 and len(manifest) == 3
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len({r["id"] for r in records}) == len(records) == 5
    again = run([src], db, out, batch_size=2, executor="local", workers=2)
    assert again.documents == 5 and again.index.added == 0 and again.index.unchanged == 5
    assert len((out / "shards" / "manifest.jsonl").read_text().splitlines()) == 3
    with open_store(db) as store:
        assert store.counts()["documents"] == 5


def test_annotate_with_executor_merges_in_input_order(tmp_path: Path) -> None:
    docs = documents(9)
    out = tmp_path / "out.jsonl"
    summary = annotate([write_jsonl(tmp_path / "in.jsonl", docs)], out, batch_size=4, executor="local")
    assert summary.documents == 9 and summary.entities > 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [d.id for d in docs]
    assert not (tmp_path / "out.jsonl.shards").exists()


def test_scheduler_needs_dask(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", documents(2))
    with pytest.raises(VawgError, match="--scheduler needs --executor dask"):
        annotate([src], tmp_path / "o.jsonl", executor="local", scheduler="tcp://127.0.0.1:1")


def test_a_pipeline_that_will_not_load_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.cfg"
    bad.write_text("[nlp]\nlang = 'en'\npipeline = ['no_such_component']\n", encoding="utf-8")
    docs = documents(6)
    with pytest.raises(VawgError, match="could not load the pipeline"):
        annotate_to_shards(
            iter(docs), tmp_path / "shards", model=bad, workers=1, batch_size=3, inline_below=0
        )
    assert not list((tmp_path / "shards").glob("part-*"))


def test_remote_scheduler_needs_a_shared_out_folder(tmp_path: Path) -> None:
    with pytest.raises(VawgError, match="--scheduler needs --out"):
        run([tmp_path], str(tmp_path / "c.db"), executor="dask", scheduler="tcp://127.0.0.1:1")
