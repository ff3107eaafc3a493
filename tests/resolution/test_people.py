"""People across sources: one Person per human, never two humans in one."""

from __future__ import annotations

import itertools
from pathlib import Path

from connectors import Identity
from ontology import GraphStore
from ontology._ingest import Ingestor
from ontology.resolution import AccountInfo, PeopleIndex, partition
from tests.ingest._fakes import FakeExtractor, account, decision, extraction, record

JANE_SLACK = Identity(id="slack:U1", name="Jane Doe", handle="jane.doe")
JANE_JIRA = Identity(id="jira:5b10ac", name="Jane Doe")  # Jira hides emails


def _accounts() -> list:
    return [
        account("slack:U1", "Jane Doe", None, "jane.doe"),
        account("jira:5b10ac", "Jane Doe"),
        account("hubspot:owner-7", "Jane Doe", "Jane.Doe@Acme.com"),
        account("salesforce:005A", "Jane M. Doe", "jane.doe@acme.com", "jdoe"),
    ]


def _persons(store: GraphStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for acc, person in store.execute(
        "MATCH (a:Account)-[:ACCOUNT_OF]->(p:Person) RETURN a.id, p.id"
    ):
        out.setdefault(person, set()).add(acc)
    return out


def test_one_human_in_four_tools_is_one_person(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor().ingest(store, _accounts())
    persons = _persons(store)
    assert persons == {
        "person:jane.doe@acme.com": {
            "slack:U1",
            "jira:5b10ac",
            "hubspot:owner-7",
            "salesforce:005A",
        }
    }
    (row,) = store.rows("MATCH (p:Person) RETURN p.name AS name, p.emails AS e, p.handles AS h")
    assert row["e"] == ["jane.doe@acme.com"]  # case-insensitive: one email
    assert set(row["h"]) == {"jane.doe", "jdoe"}  # every handle kept
    reasons = dict(store.execute("MATCH (a:Account)-[r:ACCOUNT_OF]->() RETURN a.id, r.reason"))
    assert reasons["hubspot:owner-7"].startswith("email jane.doe@acme.com")
    assert "token_sort_ratio" in reasons["slack:U1"]


def test_two_janes_stay_two_and_an_ambiguous_one_joins_neither(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor().ingest(
        store,
        [
            account("hubspot:o1", "Jane Doe", "jane.doe@acme.com"),
            account("salesforce:u2", "Jane Doe", "jane.doe@globex.com"),
            account("slack:U9", "Jane Doe"),  # no email: could be either
        ],
    )
    persons = _persons(store)
    assert len(persons) == 3
    assert all(len(accounts) == 1 for accounts in persons.values())


def test_same_source_same_name_are_different_people() -> None:
    result = partition(
        {
            a.id: a
            for a in (
                AccountInfo("slack:U1", "slack", "Sam Lee", from_record=True),
                AccountInfo("slack:U2", "slack", "Sam Lee", from_record=True),
            )
        }
    )
    assert result.person_of["slack:U1"] != result.person_of["slack:U2"]


def test_author_identity_resolves_to_its_account_person_in_any_order(tmp_path: Path) -> None:
    docs = [
        record("slack:1", "hello", author=JANE_SLACK),
        record("jira:ISSUE-1", "body", author=JANE_JIRA, kind="issue", minutes=5),
    ]
    batches = [docs[:1], _accounts()[:2], docs[1:], _accounts()[2:]]
    results = []
    for n, order in enumerate(itertools.islice(itertools.permutations(batches), 0, None, 5)):
        store = GraphStore(tmp_path / f"g{n}.kuzu")
        ingestor = Ingestor(extractor=FakeExtractor())
        for batch in order:
            ingestor.ingest(store, batch)
        authored = sorted(
            store.execute(
                "MATCH (p:Person)-[r:AUTHORED]->(d:Document) RETURN p.id, d.id, r.account"
            )
        )
        results.append((_persons(store), authored, store.counts()["Person"]))
        store.close()
    assert len(results) >= 4
    first = results[0]
    assert first[0] == {
        "person:jane.doe@acme.com": {
            "slack:U1",
            "jira:5b10ac",
            "hubspot:owner-7",
            "salesforce:005A",
        }
    }
    assert first[1] == [
        ["person:jane.doe@acme.com", "jira:ISSUE-1", "jira:5b10ac"],
        ["person:jane.doe@acme.com", "slack:1", "slack:U1"],
    ]
    assert first[2] == 1  # the provisional persons were merged away
    assert all(r == first for r in results)


def test_a_merge_moves_authored_mentions_and_decider_edges(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    script = {
        "slack:1": extraction("slack:1", decisions=[decision("use Kafka for events", "Kafka")])
    }
    ingestor = Ingestor(extractor=FakeExtractor(script))
    ingestor.ingest(
        store, [record("slack:1", "use Kafka", author=JANE_SLACK, mentions=[JANE_SLACK])]
    )
    assert [r[0] for r in store.execute("MATCH (p:Person) RETURN p.id")] == ["person:slack:U1"]
    ingestor.ingest(store, _accounts())  # later evidence: Slack's Jane is jane.doe@acme.com
    merged = "person:jane.doe@acme.com"
    assert [r[0] for r in store.execute("MATCH (p:Person) RETURN p.id")] == [merged]
    for query in (
        "MATCH (p:Person)-[r:AUTHORED]->(:Document) RETURN p.id, r.account",
        "MATCH (:Document)-[r:MENTIONS_PERSON]->(p:Person) RETURN p.id, r.account",
        "MATCH (:Decision)-[r:DECIDED_BY]->(p:Person) RETURN p.id, r.account",
    ):
        assert store.execute(query) == [[merged, "slack:U1"]], query


def test_text_mentions_link_only_when_unambiguous() -> None:
    index = PeopleIndex()
    index.load(
        [
            AccountInfo("slack:U1", "slack", "Jane Doe", None, ("jane",), from_record=True),
            AccountInfo("slack:U2", "slack", "Jane Roe", None, ("jroe",), from_record=True),
            AccountInfo("jira:a", "jira", "Omar Khan", "omar@acme.com", (), from_record=True),
        ]
    )
    jane_doe = index.person_of("slack:U1")
    assert index.resolve_mention("@jane") == jane_doe
    assert index.resolve_mention("Jane Doe") == jane_doe
    assert index.resolve_mention("Jane D.") == jane_doe
    assert index.resolve_mention("Jane") is None  # two Janes
    assert index.resolve_mention("Omar") == index.person_of("jira:a")
    assert index.resolve_mention("@omar") == index.person_of("jira:a")  # email local part
    assert index.resolve_mention("Nobody Known") is None
