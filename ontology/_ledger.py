"""The sealed decision ledger: a hash-chained, HMAC-signed log of every decision's content.

``Ledger.seal(store, batch)`` runs just before ``store.write(batch)``: for each decision the
batch creates or changes, it works out what the decision will look like once the batch is
written (content plus evidence: where it was stated, who decided), and when that differs from
the decision's last ledger entry it appends a ``LedgerEntry`` to the batch and stamps the
decision with the entry's ``seq``, ``hash`` and ``prev_hash``. Entries land in the same
transaction as the decisions, so a crash never leaves one without the other, and re-delivering
a batch appends nothing.

``verify_ledger(store, key)`` recomputes the whole chain, then each decision's current content
against its last entry, and names the first thing that does not match.

Entry hash: ``HMAC-SHA256(key, prev_hash | content_hash | seq | decision_id)`` (fields joined
with ``|``), hex; the first entry's ``prev_hash`` is 64 zeros. ``content_hash`` is the SHA-256 of
the canonical JSON (sorted keys, no spaces, UTF-8) of the decision's statement, status,
rationale, alternatives, decided_at (ISO 8601, UTC), origin, sorted ``STATED_IN`` document ids
and sorted ``DECIDED_BY`` person ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ontology._graph import GraphBatch, GraphError, GraphStore

GENESIS_HASH = "0" * 64
KEY_FILENAME = "ledger.key"
#: The decision properties that make up its sealed content.
CONTENT_FIELDS = ("statement", "status", "rationale", "alternatives", "decided_at", "origin")


class LedgerKeyError(GraphError):
    """The ledger key cannot be read or created; the message says where and why."""


def load_or_create_key(state_dir: Path, configured: str | None = None) -> bytes:
    """The HMAC key: ``configured`` (a resolved secret value) when given, else the key file in
    the state dir, created on first use with 32 random bytes and mode 0600."""
    if configured:
        return configured.encode("utf-8")
    path = state_dir / KEY_FILENAME
    try:
        if path.exists():
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
            if len(key) < 16:
                raise LedgerKeyError(f"the ledger key in {path} is shorter than 16 bytes")
            return key
        state_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        # O_EXCL: two processes creating the key at once must not end up with two keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
    except FileExistsError:
        return load_or_create_key(state_dir, None)
    except ValueError:
        raise LedgerKeyError(f"the ledger key in {path} is not hex text") from None
    except OSError as exc:
        raise LedgerKeyError(
            f"cannot read or create the ledger key {path}: {exc.strerror}"
        ) from exc


def _timestamp(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return str(value.isoformat(timespec="microseconds"))
    return str(value)


def content_hash(
    decision: Mapping[str, Any], stated_in: Iterable[str], decided_by: Iterable[str]
) -> str:
    """SHA-256 of the canonical JSON of a decision's content and evidence."""
    canonical = {
        "statement": decision.get("statement"),
        "status": decision.get("status"),
        "rationale": decision.get("rationale"),
        "alternatives": list(decision.get("alternatives") or []),
        "decided_at": _timestamp(decision.get("decided_at")),
        "origin": decision.get("origin"),
        "stated_in": sorted(set(stated_in)),
        "decided_by": sorted(set(decided_by)),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(key: bytes, prev_hash: str, content: str, seq: int, decision_id: str) -> str:
    """The HMAC that chains one entry to the one before it."""
    message = "|".join((prev_hash, content, str(seq), decision_id)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass
class _Evidence:
    props: dict[str, Any]
    stated_in: set[str]
    decided_by: set[str]


class Ledger:
    """Seals decisions into the ledger as batches are written."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise LedgerKeyError("the ledger key is empty")
        self._key = key

    def seal(self, store: GraphStore, batch: GraphBatch) -> int:
        """Add ledger entries for the decisions ``batch`` creates or changes; return how many.

        Call it just before ``store.write(batch)``, inside the same write window.
        """
        concerned = self._concerned(store, batch)
        if not concerned:
            return 0
        before = _load_evidence(store, concerned)
        after = _apply(batch, before, concerned)
        last = _last_entries(store, concerned)
        head = store.execute(
            "MATCH (e:LedgerEntry) RETURN e.seq, e.hash ORDER BY e.seq DESC LIMIT 1"
        )
        seq, prev = (int(head[0][0]), str(head[0][1])) if head else (0, GENESIS_HASH)
        now = datetime.now(UTC).replace(tzinfo=None)
        sealed = 0
        for decision_id in sorted(after):
            evidence = after[decision_id]
            if not evidence.props.get("statement"):
                continue  # a placeholder (e.g. a precedent not written yet): nothing to seal
            digest = content_hash(evidence.props, evidence.stated_in, evidence.decided_by)
            previous = last.get(decision_id)
            if previous is not None and previous == digest:
                continue
            seq += 1
            signed = entry_hash(self._key, prev, digest, seq, decision_id)
            batch.node(
                "LedgerEntry",
                seq=seq,
                decision_id=decision_id,
                at=now,
                content_hash=digest,
                prev_hash=prev,
                hash=signed,
                change="new" if previous is None else "changed",
            )
            batch.node("Decision", id=decision_id, seq=seq, hash=signed, prev_hash=prev)
            prev = signed
            sealed += 1
        return sealed

    @staticmethod
    def _concerned(store: GraphStore, batch: GraphBatch) -> set[str]:
        """Decision ids whose content or evidence the batch may change."""
        ids = {str(row["id"]) for row in batch.nodes.get("Decision", [])}
        for rel in ("STATED_IN", "DECIDED_BY"):
            ids.update(str(row["from"]) for row in batch.edges.get(rel, []))
            ids.update(batch.clear_out.get(rel, set()))
        ids -= batch.delete.get("Decision", set())
        # Decisions losing evidence because a document or person goes away.
        for rel, table in (("STATED_IN", "Document"), ("DECIDED_BY", "Person")):
            targets = batch.clear_in.get(rel, set()) | batch.delete.get(table, set())
            if targets:
                rows = store.execute_for(
                    targets, f"MATCH (d:Decision)-[:{rel}]->(t:{table} {{id: id}}) RETURN d.id"
                )
                ids.update(str(r[0]) for r in rows)
        return ids - batch.delete.get("Decision", set())


def _load_evidence(store: GraphStore, ids: set[str]) -> dict[str, _Evidence]:
    out: dict[str, _Evidence] = {}
    fields = ", ".join(f"d.{name}" for name in CONTENT_FIELDS)
    for row in store.execute_for(ids, f"MATCH (d:Decision {{id: id}}) RETURN d.id, {fields}"):
        out[str(row[0])] = _Evidence(dict(zip(CONTENT_FIELDS, row[1:], strict=True)), set(), set())
    for rel, attr in (("STATED_IN", "stated_in"), ("DECIDED_BY", "decided_by")):
        rows = store.execute_for(
            ids, f"MATCH (d:Decision {{id: id}})-[:{rel}]->(t) RETURN d.id, t.id"
        )
        for decision_id, target in rows:
            if decision_id in out:
                getattr(out[decision_id], attr).add(str(target))
    return out


def _apply(batch: GraphBatch, before: dict[str, _Evidence], ids: set[str]) -> dict[str, _Evidence]:
    """What each concerned decision looks like once ``store.write(batch)`` has run (mirrors
    ``GraphStore.write``: deletes, then edge clearing, then node upserts, then edges)."""
    after = {
        i: _Evidence(dict(e.props), set(e.stated_in), set(e.decided_by)) for i, e in before.items()
    }
    for decision_id in ids:
        after.setdefault(decision_id, _Evidence({}, set(), set()))
    for rel, table, attr in (
        ("STATED_IN", "Document", "stated_in"),
        ("DECIDED_BY", "Person", "decided_by"),
    ):
        gone = batch.delete.get(table, set()) | batch.clear_in.get(rel, set())
        cleared = batch.clear_out.get(rel, set())
        for decision_id, current in after.items():
            targets: set[str] = getattr(current, attr)
            if decision_id in cleared:
                targets.clear()
            targets -= gone
    for row in batch.nodes.get("Decision", []):
        found = after.get(str(row["id"]))
        if found is not None:
            found.props.update({k: v for k, v in row.items() if k in CONTENT_FIELDS})
    for rel, attr in (("STATED_IN", "stated_in"), ("DECIDED_BY", "decided_by")):
        for edge in batch.edges.get(rel, []):
            found = after.get(str(edge["from"]))
            if found is not None:
                getattr(found, attr).add(str(edge["to"]))
    return after


def _last_entries(store: GraphStore, ids: set[str]) -> dict[str, str]:
    """The content hash of each decision's latest ledger entry."""
    rows = store.execute_for(
        ids,
        "MATCH (e:LedgerEntry {decision_id: id}) "
        "WITH e.decision_id AS d, max(e.seq) AS s "
        "MATCH (x:LedgerEntry {seq: s}) RETURN d, x.content_hash",
    )
    return {str(d): str(h) for d, h in rows}


@dataclass(frozen=True)
class LedgerProblem:
    """The first place where the ledger and the graph disagree."""

    kind: str  # chain | content | unsealed
    seq: int | None
    decision_id: str | None
    detail: str

    def __str__(self) -> str:
        where = []
        if self.seq is not None:
            where.append(f"ledger entry #{self.seq}")
        if self.decision_id is not None:
            where.append(f"decision {self.decision_id}")
        return f"{', '.join(where)}: {self.detail}"


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    decisions: int
    problem: LedgerProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict[str, Any]:
        """Plain data, for the daemon's API and ``siphon verify --json``."""
        problem = self.problem
        return {
            "ok": self.ok,
            "entries": self.entries,
            "decisions": self.decisions,
            "problem": None
            if problem is None
            else {
                "kind": problem.kind,
                "seq": problem.seq,
                "decision_id": problem.decision_id,
                "detail": problem.detail,
                "message": str(problem),
            },
        }


def verify_ledger(store: GraphStore, key: bytes) -> VerifyReport:
    """Recompute the chain and each decision's content; report the first mismatch."""
    entries = store.execute(
        "MATCH (e:LedgerEntry) RETURN e.seq, e.decision_id, e.content_hash, e.prev_hash, e.hash "
        "ORDER BY e.seq"
    )
    prev = GENESIS_HASH
    latest: dict[str, tuple[int, str, str, str]] = {}
    for index, (seq, decision_id, digest, prev_hash, signed) in enumerate(entries, start=1):
        problem = None
        if seq != index:
            problem = f"expected entry #{index} here, found #{seq} (an entry is missing)"
        elif prev_hash != prev:
            problem = "prev_hash does not match the previous entry's hash (the chain is broken)"
        elif not hmac.compare_digest(
            str(signed), entry_hash(key, str(prev_hash), str(digest), int(seq), str(decision_id))
        ):
            problem = "the entry's signature does not match (altered, or signed with another key)"
        if problem:
            return VerifyReport(
                len(entries), 0, LedgerProblem("chain", int(seq), str(decision_id), problem)
            )
        prev = str(signed)
        latest[str(decision_id)] = (int(seq), str(digest), str(prev_hash), str(signed))

    decisions = store.execute(
        "MATCH (d:Decision) WHERE d.statement IS NOT NULL RETURN d.id, d.seq, d.hash, d.prev_hash "
        "ORDER BY d.id"
    )
    evidence = _load_evidence(store, {str(row[0]) for row in decisions})
    for decision_id, seq, signed, prev_hash in decisions:
        decision_id = str(decision_id)
        entry = latest.get(decision_id)
        if entry is None:
            return VerifyReport(
                len(entries),
                len(decisions),
                LedgerProblem("unsealed", None, decision_id, "has no ledger entry (never sealed)"),
            )
        entry_seq, digest, entry_prev, entry_signed = entry
        found = evidence[decision_id]
        if content_hash(found.props, found.stated_in, found.decided_by) != digest:
            return VerifyReport(
                len(entries),
                len(decisions),
                LedgerProblem(
                    "content",
                    entry_seq,
                    decision_id,
                    "its current content or evidence differs from what the ledger sealed "
                    "(edited outside siphon)",
                ),
            )
        if (seq, signed, prev_hash) != (entry_seq, entry_signed, entry_prev):
            return VerifyReport(
                len(entries),
                len(decisions),
                LedgerProblem(
                    "content",
                    entry_seq,
                    decision_id,
                    f"its seal (seq {seq}) is not its last ledger entry (seq {entry_seq})",
                ),
            )
    return VerifyReport(len(entries), len(decisions), None)
