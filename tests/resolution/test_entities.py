"""Entities: normalization, blocking, per-type thresholds, explainable merges."""

from __future__ import annotations

from pathlib import Path

from ontology import GraphStore
from ontology._ingest import Ingestor
from ontology.resolution import EntityIndex, blocking_keys, explain_equal, normalize_name, phonetic
from tests.ingest._fakes import FakeExtractor, extraction, mention, record


def test_normalization_stages() -> None:
    assert normalize_name("ACME, Inc.") == "acme"
    assert normalize_name("Société Générale S.A.") == "societe generale"
    assert normalize_name("The Globex Corporation") == "globex"
    assert normalize_name("Node.js") == "nodejs"
    assert normalize_name("Ｆｕｌｌｗｉｄｔｈ GmbH") == "fullwidth"  # NFKC
    assert normalize_name("Inc") == "inc"  # never down to nothing
    assert explain_equal("Acme", "ACME") == "case-insensitive equal"
    assert explain_equal("Café", "cafe") == "Unicode/diacritics-normalized equal"
    assert explain_equal("Acme, Inc.", "Acme Corp") == "suffix-normalized equal"


def test_soundex_and_blocking_keys() -> None:
    assert phonetic("robert") == phonetic("rupert") == "r163"
    assert phonetic("tymczak") == "t522"
    keys = blocking_keys("payments gateway")
    assert "t:payments" in keys
    assert "p:paym" in keys
    assert any(k.startswith("s:") for k in keys)


def test_a_company_written_four_ways_is_one_entity(tmp_path: Path) -> None:
    names = ["Acme Corp", "ACME Inc.", "acme, inc", "Acme Corporation"]
    script = {
        f"slack:{n}": extraction(f"slack:{n}", entities=[mention(name)])
        for n, name in enumerate(names)
    }
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor(extractor=FakeExtractor(script)).ingest(
        store, [record(f"slack:{n}", name, minutes=n) for n, name in enumerate(names)]
    )
    (row,) = store.rows(
        "MATCH (e:Entity) RETURN e.id AS id, e.name AS name, e.aliases AS aliases, "
        "e.mentions AS mentions, e.merge_reasons AS reasons, e.first_seen AS first, "
        "e.last_seen AS last"
    )
    assert row["id"] == "entity:acme"
    assert set(row["aliases"]) == set(names)
    assert row["mentions"] == 4
    assert row["first"] < row["last"]
    assert all("suffix-normalized equal" in r or "case-insensitive" in r for r in row["reasons"])
    assert len(row["reasons"]) == 3
    edges = store.execute(
        "MATCH (d:Document)-[m:MENTIONS]->(e:Entity) RETURN count(*), sum(m.count)"
    )
    assert edges == [[4, 4]]


def test_fuzzy_merge_says_why_and_respects_types_digits_and_length() -> None:
    index = EntityIndex()
    first = index.resolve("Payments Gateway", "Component")
    typo = index.resolve("Payment Gateway", "Component")
    assert first is not None
    assert typo is not None
    assert typo.entity_id == first.entity_id
    assert typo.reason is not None
    assert "token_sort_ratio" in typo.reason
    assert "Payment Gateway" in index.entities[first.entity_id].aliases
    win10 = index.resolve("Windows 10", "Technology")
    win11 = index.resolve("Windows 11", "Technology")
    assert win10 is not None
    assert win11 is not None
    assert win10.entity_id != win11.entity_id
    jira = index.resolve("Jira", "Technology")
    jinja = index.resolve("Jinja", "Technology")
    assert jira is not None
    assert jinja is not None
    assert jira.entity_id != jinja.entity_id
    product = index.resolve("Payments Gateways", "Technology")  # another type: not fuzzy-merged
    assert product is not None
    assert product.entity_id != first.entity_id


def test_resolution_scores_only_blocked_candidates() -> None:
    index = EntityIndex()
    for n in range(2000):
        index.resolve(f"Vendor Number {n:04d} Holdings", "Organization")
    calls = 0
    original = index._fuzzy

    def counting(key: str, kind: str):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(key, kind)

    index._fuzzy = counting  # type: ignore[method-assign]
    found = index.resolve("vendor number 0042 holdings inc", "Organization")
    assert found is not None
    assert not found.created
    assert calls == 0
    assert all(len(p) <= 2000 for p in index.postings.values())


def test_well_known_aliases_are_one_entity() -> None:
    index = EntityIndex()
    first = index.resolve("PostgreSQL", "Technology")
    again = index.resolve("Postgres", "Technology")
    kafka = index.resolve("Kafka", "Technology")
    apache = index.resolve("Apache Kafka", "Technology")
    assert first is not None
    assert again is not None
    assert kafka is not None
    assert apache is not None
    assert again.entity_id == first.entity_id
    assert apache.entity_id == kafka.entity_id
    assert again.reason == "'Postgres' = 'PostgreSQL': known alias"
    assert explain_equal("Mongo", "MongoDB") == "known alias"


def test_an_organization_is_known_by_its_first_word_when_unambiguous() -> None:
    index = EntityIndex()
    full = index.resolve("Brightwater Freight GmbH", "Customer")
    short = index.resolve("Brightwater", "Product")  # a capitalized word typed by its shape
    assert full is not None
    assert short is not None
    assert short.entity_id == full.entity_id
    assert short.reason is not None
    assert "short form of 'Brightwater Freight GmbH'" in short.reason
    # seen the other way round: the short form first, then the full company name
    other = EntityIndex()
    first = other.resolve("Larkspur", "Product")
    later = other.resolve("Larkspur Foods", "Customer")
    assert first is not None
    assert later is not None
    assert later.entity_id == first.entity_id


def test_a_first_word_shared_by_two_organizations_stays_apart() -> None:
    index = EntityIndex()
    grocers = index.resolve("Atlas Grocers", "Customer")
    freight = index.resolve("Atlas Freight", "Customer")
    atlas = index.resolve("Atlas", "Product")
    kafka = index.resolve("Kafka", "Technology")  # a technology is never an org's short form
    streams = index.resolve("Kafka Streams Ltd", "Vendor")
    assert grocers is not None
    assert freight is not None
    assert atlas is not None
    assert kafka is not None
    assert streams is not None
    assert atlas.entity_id not in (grocers.entity_id, freight.entity_id)
    assert streams.entity_id != kafka.entity_id
