"""``siphon decisions`` and ``siphon trace``: the canned analyst questions.

Both are read-only Cypher over the schema in docs/schema.md, run through the daemon's API when
it runs (or directly, bounded, when it does not), so they are exactly what an analyst could
type into ``siphon query``.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from daemon.cli._common import OutputFormat, console, fail, load, print_rows
from daemon.cli._remote import GraphReader, graph_reader


def _parse_since(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            fail(
                f"--since expects a date like 2024-05-01 (or an ISO timestamp), found {value!r}", 2
            )
    return parsed.replace(tzinfo=None).isoformat(sep=" ")


def decisions_query(
    *,
    about: str | None,
    by: str | None,
    since: str | None,
    status: str | None,
    limit: int,
) -> tuple[str, dict[str, Any]]:
    """The Cypher (and parameters) behind ``siphon decisions``."""
    where = ["d.statement IS NOT NULL"]
    params: dict[str, Any] = {"limit": limit}
    if status:
        where.append("d.status = $status")
        params["status"] = status
    if since:
        where.append("d.decided_at >= timestamp($since)")
        params["since"] = since
    if about:
        where.append(
            "(lower(d.statement) CONTAINS lower($about) OR EXISTS { MATCH (d)-[:ABOUT]->"
            "(e:Entity) WHERE lower(e.name) CONTAINS lower($about) })"
        )
        params["about"] = about
    if by:
        where.append(
            "EXISTS { MATCH (d)-[:DECIDED_BY]->(p:Person) WHERE p.id = $by OR "
            "lower(p.name) CONTAINS lower($by) OR list_contains(p.emails, lower($by)) }"
        )
        params["by"] = by
    cypher = (
        "MATCH (d:Decision) WHERE "
        + " AND ".join(where)
        + " OPTIONAL MATCH (d)-[:DECIDED_BY]->(p:Person)"
        " WITH d, collect(DISTINCT coalesce(p.name, p.id)) AS deciders"
        " OPTIONAL MATCH (d)-[:STATED_IN]->(doc:Document)"
        " RETURN d.id AS id, d.decided_at AS decided_at, d.status AS status,"
        " d.statement AS statement, deciders, count(DISTINCT doc) AS sources"
        " ORDER BY decided_at DESC, id LIMIT $limit"
    )
    return cypher, params


def decisions(
    ctx: typer.Context,
    about: Annotated[
        str | None,
        typer.Option("--about", help="Text in the statement or the name of what it is about."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="A decider: part of a name, an email or a person id.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Decided on or after this date (YYYY-MM-DD).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="decided, proposed, rejected or reversed."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 50,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
) -> None:
    """List decisions, newest first: what was decided, when, by whom, stated in how many places.

    Follow one with `siphon trace ID`.
    """
    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    cypher, params = decisions_query(
        about=about,
        by=by,
        since=_parse_since(since) if since else None,
        status=status,
        limit=limit,
    )
    with graph_reader(loaded) as reader:
        result = reader.query(cypher, params, max_rows=limit)
    rows = [[*row[:4], ", ".join(x for x in row[4] or [] if x), row[5]] for row in result.rows]
    print_rows(
        result.columns,
        rows if fmt is OutputFormat.table else result.rows,
        fmt,
        note=None if rows or fmt is not OutputFormat.table else "no decisions match",
    )


class TraceFormat(StrEnum):
    text = "text"
    json = "json"


TRACE_QUERIES: dict[str, str] = {
    "decision": "MATCH (d:Decision {id: $id}) RETURN d.id, d.statement, d.status, d.rationale, "
    "d.alternatives, d.decided_at, d.confidence, d.origin, d.seq, d.hash, d.prev_hash",
    "deciders": "MATCH (d:Decision {id: $id})-[r:DECIDED_BY]->(p:Person) "
    "RETURN p.id, p.name, r.role ORDER BY p.name",
    "documents": "MATCH (d:Decision {id: $id})-[r:STATED_IN]->(doc:Document) "
    "OPTIONAL MATCH (doc)-[:IN]->(c:Container) "
    "OPTIONAL MATCH (a:Person)-[:AUTHORED]->(doc) "
    "RETURN doc.id, doc.kind, doc.title, doc.url, doc.created_at, r.role, c.name, "
    "collect(DISTINCT a.name), substring(doc.text, 1, 240) ORDER BY doc.created_at",
    "about": "MATCH (d:Decision {id: $id})-[:ABOUT]->(e:Entity) RETURN e.id, e.name, e.type "
    "ORDER BY e.name",
    "precedents": "MATCH (d:Decision {id: $id})-[r:PRECEDENT]->(p:Decision) "
    "RETURN p.id, p.statement, p.decided_at, r.similarity ORDER BY r.similarity DESC",
    "followed_by": "MATCH (n:Decision)-[r:PRECEDENT]->(d:Decision {id: $id}) "
    "RETURN n.id, n.statement, n.decided_at, r.similarity ORDER BY n.decided_at",
    "supersedes": "MATCH (d:Decision {id: $id})-[r:SUPERSEDES]->(o:Decision) "
    "RETURN o.id, o.statement, o.decided_at, r.reason",
    "superseded_by": "MATCH (n:Decision)-[r:SUPERSEDES]->(d:Decision {id: $id}) "
    "RETURN n.id, n.statement, n.decided_at, r.reason",
    "ledger": "MATCH (e:LedgerEntry {decision_id: $id}) "
    "RETURN e.seq, e.at, e.change, e.content_hash, e.hash ORDER BY e.seq",
}


def _resolve_id(reader: GraphReader, decision_id: str) -> str:
    exact = reader.query("MATCH (d:Decision {id: $id}) RETURN d.id", {"id": decision_id})
    if exact.rows:
        return decision_id
    prefix = reader.query(
        "MATCH (d:Decision) WHERE d.id STARTS WITH $id RETURN d.id ORDER BY d.id LIMIT 6",
        {"id": decision_id},
    )
    if len(prefix.rows) == 1:
        return str(prefix.rows[0][0])
    if prefix.rows:
        shown = ", ".join(str(r[0]) for r in prefix.rows[:5])
        fail(f"{decision_id!r} matches several decisions ({shown}, ...); give more of the id")
    fail(f"no decision with id {decision_id!r}; list some with `siphon decisions`")


def collect_trace(reader: GraphReader, decision_id: str) -> dict[str, Any]:
    """Everything ``siphon trace`` shows, as plain data."""
    found = _resolve_id(reader, decision_id)
    raw = {name: reader.query(q, {"id": found}).rows for name, q in TRACE_QUERIES.items()}
    d = raw["decision"][0]
    keys = [
        "id",
        "statement",
        "status",
        "rationale",
        "alternatives",
        "decided_at",
        "confidence",
        "origin",
        "seq",
        "hash",
        "prev_hash",
    ]
    trace: dict[str, Any] = dict(zip(keys, d, strict=True))
    trace["deciders"] = [{"id": r[0], "name": r[1], "role": r[2]} for r in raw["deciders"]]
    trace["documents"] = [
        {
            "id": r[0],
            "kind": r[1],
            "title": r[2],
            "url": r[3],
            "created_at": r[4],
            "role": r[5],
            "container": r[6],
            "authors": [a for a in r[7] or [] if a],
            "excerpt": r[8],
        }
        for r in raw["documents"]
    ]
    trace["about"] = [{"id": r[0], "name": r[1], "type": r[2]} for r in raw["about"]]
    for name in ("precedents", "followed_by"):
        trace[name] = [
            {"id": r[0], "statement": r[1], "decided_at": r[2], "similarity": r[3]}
            for r in raw[name]
        ]
    for name in ("supersedes", "superseded_by"):
        trace[name] = [
            {"id": r[0], "statement": r[1], "decided_at": r[2], "reason": r[3]} for r in raw[name]
        ]
    trace["ledger"] = [
        {"seq": r[0], "at": r[1], "change": r[2], "content_hash": r[3], "hash": r[4]}
        for r in raw["ledger"]
    ]
    return trace


def _when(value: Any) -> str:
    return str(value).replace("T", " ")[:19] if value else "unknown"


def print_trace(t: dict[str, Any]) -> None:
    """Render a trace for a terminal."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    deciders = ", ".join(
        f"{d['name'] or d['id']}" + (f" ({d['role']})" if d["role"] else "") for d in t["deciders"]
    )
    head.add_row("Decision", escape(str(t["statement"])))
    head.add_row("Status", f"{t['status']} ({t['origin']}, confidence {t['confidence']})")
    head.add_row("Decided", _when(t["decided_at"]))
    head.add_row("By", escape(deciders) or "unknown")
    head.add_row("Why", escape(t["rationale"] or "no rationale found"))
    alternatives = t["alternatives"] or []
    head.add_row("Rejected", escape("; ".join(alternatives)) if alternatives else "none recorded")
    about = ", ".join(a["name"] or a["id"] for a in t["about"])
    head.add_row("About", escape(about) or "nothing resolved")
    console.print(Panel(head, title=f"trace {escape(t['id'])}", expand=False))

    console.print(f"[bold]Stated in[/] ({len(t['documents'])})")
    for doc in t["documents"]:
        where = f" in {doc['container']}" if doc["container"] else ""
        who = f" by {', '.join(doc['authors'])}" if doc["authors"] else ""
        console.print(
            f"  - {escape(doc['kind'] or 'document')}{escape(where)}{escape(who)}, "
            f"{_when(doc['created_at'])} [{escape(doc['role'] or 'stated')}]: {escape(doc['id'])}"
        )
        if doc["title"]:
            console.print(f"    {escape(doc['title'])}")
        if doc["url"]:
            console.print(f"    {escape(doc['url'])}", soft_wrap=True)
        if doc["excerpt"]:
            console.print(f"    > {escape(' '.join(str(doc['excerpt']).split()))}")
    for label, key in (
        ("Precedents", "precedents"),
        ("Followed by", "followed_by"),
        ("Supersedes", "supersedes"),
        ("Superseded by", "superseded_by"),
    ):
        items = t[key]
        if not items:
            continue
        console.print(f"[bold]{label}[/]")
        for item in items:
            extra = (
                f" (similarity {item['similarity']:.2f})"
                if item.get("similarity") is not None
                else (f" ({item['reason']})" if item.get("reason") else "")
            )
            console.print(
                f"  - {escape(item['id'])}, {_when(item['decided_at'])}{escape(extra)}: "
                f"{escape(str(item['statement']))}"
            )
    if t["seq"] is not None:
        console.print(
            f"[bold]Ledger[/] seq {t['seq']}, hash {t['hash']} "
            f"({len(t['ledger'])} entr{'y' if len(t['ledger']) == 1 else 'ies'})"
        )
    else:
        console.print("[bold]Ledger[/] not sealed")


def trace(
    ctx: typer.Context,
    decision_id: Annotated[
        str, typer.Argument(help="A decision id (or an unambiguous prefix of one).")
    ],
    fmt: Annotated[TraceFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TraceFormat.text
    ),
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
) -> None:
    """Show one decision's trace: who decided what, when, why, where it was stated.

    Statement, deciders, when, every document it was stated in (with links), rationale,
    rejected alternatives, what it is about, its precedents, what it supersedes or is
    superseded by, and its ledger seal.
    """
    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    with graph_reader(loaded) as reader:
        found = collect_trace(reader, decision_id)
    if fmt is TraceFormat.json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, default=str, indent=2) + "\n")
    else:
        print_trace(found)
