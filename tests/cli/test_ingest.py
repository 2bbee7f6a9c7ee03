"""`vawg ingest` as a user runs it: summary line, exit codes, no tracebacks, and SIGKILL-safe resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.fake_readers import ENV

ROOT = Path(__file__).resolve().parents[2]


def env() -> dict[str, str]:
    return {**os.environ, **ENV, "PYTHONPATH": str(ROOT)}


def vawg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pipeline.cli.main", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env(), cwd=ROOT, timeout=300)


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_ingest_summarises_and_exits_zero_with_bad_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.txt").write_text("Bail conditions set.")
    (src / "bad.docx").write_bytes(b"PK\x03\x04 broken")
    (src / "stuck.hang").write_text("x")
    out = vawg("ingest", src, "--out", tmp_path / "out", "--timeout", "2")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("3 sources: 1 ok, 1 corrupt, 1 timeout; 1 new documents in ")
    assert "Traceback" not in out.stderr
    assert "bad.docx" in out.stderr and "stuck.hang" in out.stderr  # one warning line each
    quiet = vawg("ingest", src, "--out", tmp_path / "out", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.startswith("3 sources: 3 already done;")


def test_usage_errors_exit_two_without_traceback(tmp_path: Path) -> None:
    for args in (
        ("ingest", tmp_path / "missing", "--out", tmp_path / "o"),
        ("ingest", tmp_path, "--out", tmp_path / "o", "--ocr-dpi", "5"),
        ("ingest", tmp_path, "--out", tmp_path / "o", "--retry", "bogus"),
        ("ingest", tmp_path, "--out", tmp_path / "o", "--passwords-file", tmp_path / "no-such-file"),
        ("ingest", tmp_path),
    ):
        out = vawg(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert "Traceback" not in out.stderr and out.stderr.strip()


def test_sigkill_mid_run_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    names = [f"note-{n:02d}.slow" for n in range(12)]
    for n, name in enumerate(names):
        (src / name).write_text(f"0.3 entry {n}: bail conditions checked")
    (src / "zz.jsonl").write_text('{"id": "j1", "text": "RUI"}\n{"id": "j2", "text": "NMO"}\n')
    out = tmp_path / "out"
    manifest = out / "manifest.jsonl"
    for kill_after in (2, 6):  # two interrupted runs at different points, then a full one
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli.main", "ingest", str(src), "--out", str(out), "--quiet"],
            env=env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if manifest.exists() and len(manifest.read_text().splitlines()) >= kill_after:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = len(jsonl(manifest))
    assert 6 <= done < 13
    final = vawg("ingest", src, "--out", out)
    assert final.returncode == 0 and "Traceback" not in final.stderr
    entries = jsonl(manifest)
    assert sorted(Path(e["source"]).name for e in entries) == sorted([*names, "zz.jsonl"])
    assert all(e["status"] == "ok" for e in entries)
    ids = [d["id"] for d in jsonl(out / "documents.jsonl")]
    assert len(ids) == len(set(ids)) == 14
    assert sorted(ids) == sorted(i for e in entries for i in e["documents"])


def test_ctrl_c_stops_cleanly_and_rerun_resumes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for n in range(8):
        (src / f"n{n}.slow").write_text(f"0.5 entry {n}")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", "ingest", str(src), "--out", str(out), "--workers", "2"],
        env=env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_text().count("\n") >= 1:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    final = vawg("ingest", src, "--out", out)
    assert final.returncode == 0
    assert len(jsonl(manifest)) == 8 and len(jsonl(out / "documents.jsonl")) == 8
