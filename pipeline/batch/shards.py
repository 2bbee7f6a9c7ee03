"""Record shards: the unit of work and of commit when annotating at scale.

A batch is a few documents; its id is a hash of their content keys, so the same documents make
the same batch and the same shard name (`part-<id>.jsonl`) wherever and however often it runs.
A worker writes the shard to a temporary file, fsyncs it and renames it into place: a shard
either exists whole or not at all. The driver then appends a line to `manifest.jsonl` in the
shard folder naming the batch and its documents' keys. A rerun skips documents whose keys are
committed, adopts shards a crash left without a manifest line, and drops stray temporary files
and a torn last manifest line, so every document ends up in exactly one shard.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.records import Document, append_jsonl_durable, dumps, read_jsonl

if TYPE_CHECKING:
    from spacy.language import Language

SHARD_MANIFEST = "manifest.jsonl"
PREFIX = "part-"
STRINGS_CAP = 300_000


def document_key(document: Document, pipeline: str = "") -> str:
    """A short hash of everything that makes a document's record: its id, text, pages and meta,
    and the pipeline's fingerprint (so a changed pipeline annotates everything again)."""
    data = pipeline + "\n" + dumps(document.to_record())
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]


def record_key(record: dict[str, Any], pipeline: str = "") -> str:
    """The `document_key` of the document an annotated record came from."""
    return document_key(Document.from_record(record), pipeline)


def pipeline_fingerprint(model: str | Path | None = None) -> str:
    """A hash of what decides the annotations: the spaCy and project versions, the code of
    `pipeline/nlp`, the files under configs/ and models/, and the `model` file or folder."""
    from importlib.metadata import version

    import pipeline as package
    from pipeline.paths import CONFIGS, MODELS

    digest = hashlib.sha256(f"{version('spacy')} {package.__version__}".encode())
    roots = [Path(package.__file__).parent / "nlp", CONFIGS, MODELS]
    if model is not None:
        roots.append(Path(model))
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root.parent)).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Batch:
    """Documents annotated and committed together; `first` is the input position of the first."""

    id: str
    documents: list[Document]
    keys: list[str]
    first: int = 0

    @classmethod
    def of(cls, documents: list[Document], keys: list[str], first: int = 0) -> Batch:
        digest = hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()[:24]
        return cls(id=digest, documents=documents, keys=keys, first=first)

    @property
    def shard_name(self) -> str:
        return f"{PREFIX}{self.id}.jsonl"


@dataclass
class BatchResult:
    """What a worker sends back: little (counts and names), never the records themselves."""

    batch: str
    shard: str
    keys: list[str]
    first: int = 0
    documents: int = 0
    entities: int = 0
    failed: list[str] = field(default_factory=list)
    worker: str = ""
    worker_peak_mb: float = 0.0

    def manifest_line(self) -> dict[str, Any]:
        return asdict(self)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Linux's VmHWM belongs to the process's own address space; `ru_maxrss` would also carry
    the high-water mark of the parent that forked it (kept across exec), so it is the fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_shard(shard_dir: Path, name: str, records: list[dict[str, Any]]) -> None:
    """Write records to `shard_dir/name` all at once: temp file, fsync, rename."""
    fd, tmp = tempfile.mkstemp(dir=shard_dir, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(dumps(record) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, shard_dir / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # No fsync of the folder: should a power cut lose the rename, the manifest line that
    # names this shard is dropped on load ("its shard is missing") and the batch is redone.


def _strings_zone(nlp: Language) -> AbstractContextManager[Any]:
    """Past STRINGS_CAP strings, a spaCy memory zone: the batch's new strings (names, dates,
    references) are released afterwards, so a long-lived worker's memory stays flat. Below the
    cap strings are kept: the tokenizer cache they feed makes annotation about 10% faster."""
    zone = getattr(nlp, "memory_zone", None)
    if zone is None or len(nlp.vocab.strings) <= STRINGS_CAP:
        return nullcontext()
    return zone()


def annotate_batch(nlp: Language, batch: Batch, shard_dir: str | Path) -> BatchResult:
    """Annotate one batch and commit its shard (runs in a worker); a bad document never fails it."""
    from pipeline.cli.annotate import AnnotateSummary, annotate_documents

    summary = AnnotateSummary()
    with _strings_zone(nlp):
        records = list(annotate_documents(nlp, batch.documents, max(1, len(batch.documents)), summary))
    write_shard(Path(shard_dir), batch.shard_name, records)
    return BatchResult(
        batch=batch.id,
        shard=batch.shard_name,
        keys=batch.keys,
        first=batch.first,
        documents=summary.documents,
        entities=summary.entities,
        failed=summary.failed_documents,
        worker=f"{os.uname().nodename}:{os.getpid()}",
        worker_peak_mb=round(peak_rss_mb(), 1),
    )


class ShardManifest:
    """The committed batches of one shard folder, repaired after a crash on load."""

    def __init__(self, shard_dir: Path, pipeline: str = "") -> None:
        self.dir = shard_dir
        self.pipeline = pipeline  # fingerprint folded into document keys
        self.path = shard_dir / SHARD_MANIFEST
        self.lines: dict[str, dict[str, Any]] = {}
        self.keys: set[str] = set()
        self.repaired: list[str] = []

    def load(self) -> ShardManifest:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._read_lines()
        for stray in self.dir.glob(f".{PREFIX}*.tmp"):
            stray.unlink(missing_ok=True)
            self.repaired.append(f"removed an unfinished shard {stray.name}")
        for shard in sorted(self.dir.glob(f"{PREFIX}*.jsonl")):
            batch = shard.stem[len(PREFIX) :]
            if batch not in self.lines:
                self._adopt(batch, shard)
        return self

    def _read_lines(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            with open(self.path, "r+b") as fh:
                fh.truncate(end)
            self.repaired.append("dropped a torn last shard-manifest line")
        for raw in data[:end].splitlines():
            try:
                line = json.loads(raw)
                batch = str(line["batch"])
            except (json.JSONDecodeError, KeyError, TypeError):
                self.repaired.append("skipped an unreadable shard-manifest line")
                continue
            if not (self.dir / str(line.get("shard", ""))).is_file():
                self.repaired.append(f"forgot batch {batch}: its shard is missing")
                continue
            self._remember(batch, line)

    def _adopt(self, batch: str, shard: Path) -> None:
        """A shard committed just before a crash, with no manifest line yet: record it now."""
        records = list(read_jsonl(shard))
        keys = [record_key(r, self.pipeline) for r in records]
        fresh = [k for k in keys if k not in self.keys]
        if len(fresh) < len(keys):  # overlaps committed work (e.g. inputs changed): not needed
            shard.unlink()
            self.repaired.append(f"removed shard {shard.name}: its documents are in other shards")
            return
        result = BatchResult(
            batch=batch,
            shard=shard.name,
            keys=keys,
            first=-1,
            documents=len(records),
            entities=sum(len(r.get("entities") or []) for r in records),
        )
        self.commit(result)
        self.repaired.append(f"adopted shard {shard.name} committed before an interruption")

    def _remember(self, batch: str, line: dict[str, Any]) -> None:
        self.lines[batch] = line
        self.keys.update(line.get("keys") or [])

    def commit(self, result: BatchResult) -> None:
        """Record a batch whose shard is in place (fsynced append)."""
        line = result.manifest_line()
        append_jsonl_durable(self.path, [line])
        self._remember(result.batch, line)

    def _in_order(self) -> list[dict[str, Any]]:
        """Manifest lines by the input position of their first document (adopted ones last)."""
        return sorted(self.lines.values(), key=lambda ln: (int(ln.get("first", -1)) < 0, ln.get("first", 0)))

    def shards_in_order(self) -> list[Path]:
        return [self.dir / str(line["shard"]) for line in self._in_order()]

    def records(self, only: set[str] | None = None) -> Iterator[dict[str, Any]]:
        """Committed records, one shard in memory at a time; with `only`, just those documents'
        (a document edited since an interrupted run is then not merged twice)."""
        for line in self._in_order():
            records = list(read_jsonl(self.dir / str(line["shard"])))
            keys = line.get("keys") or []
            if only is None or len(keys) != len(records):
                yield from records
            else:
                yield from (r for r, key in zip(records, keys, strict=True) if key in only)
