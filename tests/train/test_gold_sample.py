"""`gold_sample` thins the gold train split evenly for quick signal runs."""

from __future__ import annotations

from pipeline.train.train_signals import gold_sample


def test_gold_sample_takes_even_steps_and_keeps_all_at_zero() -> None:
    records = [{"id": f"r-{k:03d}"} for k in range(10)]
    assert gold_sample(records, 0) == records
    assert gold_sample(records, 20) == records
    assert [r["id"] for r in gold_sample(records, 5)] == ["r-000", "r-002", "r-004", "r-006", "r-008"]
    assert [r["id"] for r in gold_sample(records, 3)] == ["r-000", "r-003", "r-006"]
