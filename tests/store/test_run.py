"""`vawg run`: ingest + annotate + index, end to end on a small invented note."""

from __future__ import annotations

from pathlib import Path

from pipeline.cli.run import run
from pipeline.store import Filters, open_store, search

NOTE = (
    "Case note 14/03/2023. The suspect was arrested and charged. He was remanded in custody.\n"
    "The victim was referred to an IDVA. A DASH risk assessment was completed and graded high.\n"
)


def test_run_reads_annotates_and_indexes(tmp_path: Path) -> None:
    src = tmp_path / "notes"
    src.mkdir()
    (src / "note-1.txt").write_text(NOTE, encoding="utf-8")
    db = tmp_path / "corpus.db"
    out = tmp_path / "out"
    summary = run([src], str(db), out=out)
    assert summary.documents == 1 and summary.index.added == 1
    assert (out / "records.jsonl").is_file() and (out / "manifest.jsonl").is_file()
    with open_store(str(db)) as store:
        assert search(store, "remanded").total == 1
        labels = {m.label for h in search(store, "", Filters(), limit=50).hits for m in h.mentions}
        assert summary.mentions >= len(labels) >= 1
        assert {"IDVA", "DASH"} & labels
    again = run([src], str(db), out=out)
    assert again.index.added == 0 and again.index.unchanged == 1
