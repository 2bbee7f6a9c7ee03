"""Every gold markup file is named in the gold README, so each register has its description."""

from __future__ import annotations

from pipeline.train.markup import GOLD_DIR


def test_every_gold_file_is_listed_in_the_readme() -> None:
    readme = (GOLD_DIR / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in GOLD_DIR.glob("*.md") if p.name != "README.md")
    assert len(files) > 300
    assert [name for name in files if f"`{name}`" not in readme] == []
