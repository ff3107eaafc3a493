"""``siphon extract``: run decision extraction over documents, one per line, without a graph."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.table import Table

from daemon.cli._common import EXIT_FAILURE, EXIT_USAGE, console, err_console, fail

if TYPE_CHECKING:
    from ontology import DocumentExtraction
    from ontology.extraction import ExtractionInput, Extractor


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


class LineError(ValueError):
    """One input line cannot be read."""


def parse_line(line: str, number: int) -> ExtractionInput:
    """A plain-text line, or a JSON object with ``text`` and optional ``id``, ``author``,
    ``created_at`` (ISO 8601) and ``parent`` (``{"id", "text", "author"}``)."""
    from ontology.extraction import ExtractionInput, ParentContext

    raw = line.rstrip("\r\n")
    if not raw.lstrip().startswith("{"):
        return ExtractionInput(document_id=f"line:{number}", text=raw)
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise LineError(f"line {number}: expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError(f"line {number}: the object needs a string 'text'")
    doc_id = obj.get("id")
    if doc_id is not None and not isinstance(doc_id, str | int):
        raise LineError(f"line {number}: 'id' must be a string or a number")
    author = obj.get("author")
    if author is not None and not isinstance(author, str):
        raise LineError(f"line {number}: 'author' must be a string")
    created_at = None
    if obj.get("created_at") is not None:
        try:
            created_at = datetime.fromisoformat(str(obj["created_at"]))
        except ValueError:
            raise LineError(f"line {number}: 'created_at' is not an ISO 8601 date-time") from None
    parent = None
    if obj.get("parent") is not None:
        p = obj["parent"]
        if not isinstance(p, dict) or not isinstance(p.get("text"), str):
            raise LineError(f"line {number}: 'parent' must be an object with a string 'text'")
        parent = ParentContext(
            document_id=str(p.get("id") or f"line:{number}:parent"),
            text=p["text"],
            author=p.get("author") if isinstance(p.get("author"), str) else None,
        )
    return ExtractionInput(
        document_id=str(doc_id) if doc_id is not None else f"line:{number}",
        text=text,
        author=author,
        created_at=created_at,
        parent=parent,
    )


def _id_given(line: str) -> Any:
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    return obj.get("id") if isinstance(obj, dict) else None


def result_json(result: DocumentExtraction, author: str | None, given_id: Any) -> dict[str, Any]:
    """One output object: ``decisions`` and ``entities`` (+ ``id`` when the input gave one)."""
    decisions = []
    for d in result.decisions:
        decisions.append(
            {
                "statement": d.statement,
                "status": d.status,
                "polarity": d.polarity,
                "rationale": d.rationale,
                "alternatives": d.alternatives,
                "deciders": d.deciders,
                "decided_by": d.deciders or ([author] if author else []),
                "deadline": d.deadline.isoformat() if d.deadline else None,
                "confidence": d.confidence,
                "start": d.start,
                "end": d.end,
                "about": [m.text for m in d.about],
                "confirms_document": d.confirms_document,
                "supersedes_cue": d.supersedes_cue,
            }
        )
    out: dict[str, Any] = {}
    if given_id is not None:
        out["id"] = given_id
    out["decisions"] = decisions
    out["entities"] = [asdict(e) for e in result.entities]
    return out


Item = tuple[int, str, "ExtractionInput | None", str | None]  # number, raw, input, error


def _items(lines: Iterable[str]) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        try:
            yield number, line, parse_line(line, number), None
        except LineError as exc:
            yield number, line, None, str(exc)


def _process(
    extractor: Extractor, items: Iterable[Item], chunk: int = 256
) -> Iterator[tuple[Item, DocumentExtraction | None]]:
    it = iter(items)
    while batch := list(islice(it, chunk)):
        good = [item[2] for item in batch if item[2] is not None]
        results = iter(list(extractor.extract_many(good, batch_size=chunk)))
        for item in batch:
            yield item, (next(results) if item[2] is not None else None)


def _open(file: str) -> TextIO:
    if file == "-":
        return sys.stdin
    path = Path(file)
    try:
        return path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}", EXIT_USAGE)


def extract(
    file: Annotated[
        str, typer.Argument(help="A file with one document per line, or - for standard input.")
    ] = "-",
    fmt: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="jsonl (one object per line) or table.")
    ] = ExtractFormat.jsonl,
    model: Annotated[
        str,
        typer.Option(
            "--model", "-m", help="'blank' (no statistical model) or an installed spaCy pipeline."
        ),
    ] = "blank",
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help="Drop decisions below this confidence.")
    ] = 0.5,
) -> None:
    """Extract decisions and entities from documents, one per line; no graph needed.

    A line is plain text, or a JSON object with "text" and optional "id", "author",
    "created_at" and "parent" ({"id", "text", "author"}: the message a reply answers).
    jsonl prints exactly one object per input line, in order, with "decisions" and
    "entities" (plus "id" when given); a bad line gets an "error" there and on stderr, and the
    command exits 1 at the end.
    """
    from ontology.extraction import ExtractionError, build_extractor

    try:
        extractor = build_extractor(model, min_confidence=min_confidence)
    except ExtractionError as exc:
        fail(str(exc), EXIT_USAGE)
    errors = 0
    stream = _open(file)
    rows: list[tuple[int, Any, DocumentExtraction]] = []
    try:
        for (number, raw, item, error), result in _process(extractor, _items(stream)):
            given_id = _id_given(raw) if raw.lstrip().startswith("{") else None
            if error is not None or result is None:
                errors += 1
                err_console.print(f"[bold red]error:[/] {error}", soft_wrap=True, markup=True)
                if fmt is ExtractFormat.jsonl:
                    bad: dict[str, Any] = {"line": number, "error": error}
                    bad |= {"decisions": [], "entities": []}
                    sys.stdout.write(json.dumps(bad, ensure_ascii=False) + "\n")
                continue
            if fmt is ExtractFormat.jsonl:
                payload = result_json(result, item.author if item else None, given_id)
                sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
                sys.stdout.flush()
            else:
                rows.append((number, given_id, result))
    finally:
        if stream is not sys.stdin:
            stream.close()
    if fmt is ExtractFormat.table:
        _print_tables(rows)
    if errors:
        err_console.print(f"{errors} line{'s' if errors > 1 else ''} could not be read")
        raise typer.Exit(EXIT_FAILURE)


def _print_tables(rows: list[tuple[int, Any, DocumentExtraction]]) -> None:
    decisions = Table(title="Decisions", show_lines=False)
    for column in (
        "line",
        "id",
        "status",
        "polarity",
        "statement",
        "rationale",
        "alternatives",
        "deciders",
        "conf",
        "span",
    ):
        decisions.add_column(column, overflow="fold")
    entities = Table(title="Entities")
    for column in ("line", "id", "text", "label", "source", "span"):
        entities.add_column(column, overflow="fold")
    for number, given_id, result in rows:
        for d in result.decisions:
            decisions.add_row(
                str(number),
                "" if given_id is None else str(given_id),
                d.status,
                d.polarity,
                d.statement,
                d.rationale or "",
                ", ".join(d.alternatives),
                ", ".join(d.deciders),
                f"{d.confidence:.2f}",
                f"{d.start}-{d.end}",
            )
        for e in result.entities:
            entities.add_row(
                str(number),
                "" if given_id is None else str(given_id),
                e.text,
                e.label,
                e.source,
                f"{e.start}-{e.end}",
            )
    console.print(decisions)
    console.print(entities)
