"""The world and its answer key: big enough, true to the served text, and deterministic."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta

import pytest

from connectors.sandbox import AnswerKey, Sandbox
from connectors.sandbox._markup import strip_markers
from tests.sandbox.conftest import NOW, hubspot_client, jira_client, salesforce_client, slack_client

STOP = {
    "with",
    "that",
    "this",
    "from",
    "have",
    "will",
    "they",
    "than",
    "since",
    "into",
    "because",
    "over",
    "only",
    "every",
    "when",
    "also",
    "them",
    "what",
    "then",
    "just",
    "about",
    "would",
    "after",
    "before",
    "while",
    "until",
    "there",
    "their",
    "were",
}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) >= 4 and w not in STOP}


@pytest.fixture(scope="module")
def key(sandbox: Sandbox) -> AnswerKey:
    return sandbox.answer_key()


def test_the_organization_is_big_and_varied_enough(sandbox: Sandbox, key: AnswerKey) -> None:
    counts = sandbox.counts()
    humans = [p for p in key.people.values() if not p["is_bot"]]
    assert len(humans) >= 15
    assert sum(1 for p in key.people.values() if p["is_bot"]) >= 3
    assert counts["slack.messages"] >= 300
    slack_channels = {d.container for d in key.documents if d.tool == "slack"}
    assert len(slack_channels) >= 5
    assert counts["jira.issues"] >= 60
    assert counts["jira.projects"] >= 2
    crm = sum(
        counts[f"{s}.{k}"]
        for s in ("hubspot", "salesforce")
        for k in ("deals", "notes", "tasks", "content_notes")
    )
    assert crm >= 40
    assert len(key.genuine_decisions()) >= 40
    labels = Counter(d.label for d in key.documents)
    assert set(labels) == {
        "decision",
        "proposal",
        "question",
        "hypothetical",
        "negated",
        "reported",
        "chatter",
        "structured",
    }
    sentence_labels = Counter(s.label for d in key.documents for s in d.sentences)
    assert min(sentence_labels[x] for x in ("proposal", "hypothetical", "negated")) >= 10


def test_people_appear_under_different_handles_and_two_janes_stay_apart(key: AnswerKey) -> None:
    jane = key.people["jane.doe"]
    assert jane["slack"]["display_name"] == "jdoe"
    assert jane["jira"]["display_name"] == "Jane Doe"
    assert jane["jira"]["email"] is None
    assert jane["hubspot"]["email"].startswith("jane.doe@")
    assert jane["salesforce"]["name"] == "J. Doe"
    park = key.people["jane.park"]
    assert park["name"] == "Jane Park"
    assert park["slack"]["display_name"] == "Jane"
    assert park["slack"]["user_id"] != jane["slack"]["user_id"]
    assert set(park["emails"]).isdisjoint(jane["emails"])
    multi = [
        p
        for p in key.people.values()
        if sum(t in p for t in ("slack", "jira", "hubspot", "salesforce")) >= 3
    ]
    assert len(multi) >= 4


def test_people_identities_exist_in_each_tool(sandbox: Sandbox, key: AnswerKey) -> None:
    slack, jira = slack_client(sandbox), jira_client(sandbox)
    hubspot, salesforce = hubspot_client(sandbox), salesforce_client(sandbox)
    for person, entry in key.people.items():
        if "slack" in entry:
            user = slack.get("/users.info", params={"user": entry["slack"]["user_id"]}).json()
            assert user["ok"], person
            assert user["user"]["name"] == entry["slack"]["handle"], person
        if "jira" in entry:
            found = jira.get(
                "/rest/api/3/user", params={"accountId": entry["jira"]["account_id"]}
            ).json()
            assert found["displayName"] == entry["jira"]["display_name"], person
        if "hubspot" in entry:
            owner = hubspot.get(f"/crm/v3/owners/{entry['hubspot']['owner_id']}").json()
            assert owner["email"] == entry["hubspot"]["email"], person
        if "salesforce" in entry:
            user = salesforce.get(
                f"/services/data/v60.0/sobjects/User/{entry['salesforce']['user_id']}"
            ).json()
            assert user["Name"] == entry["salesforce"]["name"], person


def test_every_decision_is_stated_in_documents_that_carry_its_words(key: AnswerKey) -> None:
    docs = {d.record_id: d for d in key.documents}
    for decision in key.decisions.values():
        assert decision.documents, decision.id
        assert all(r in docs for r in decision.documents)
        assert all(decision.id in docs[r].decisions for r in decision.documents)
        text = " ".join(docs[m.record_id].text for m in decision.mentions).lower()
        missing = {w for w in _words(decision.statement) if w not in text}
        assert not missing, (decision.id, missing)
        assert decision.decided_at is not None
        for mention in decision.mentions:
            assert mention.sentence in docs[mention.record_id].text


def test_sentences_are_the_documents_own_text(key: AnswerKey) -> None:
    for doc in key.documents:
        for sentence in doc.sentences:
            assert sentence.text in doc.text, (doc.record_id, sentence.text)
        assert doc.label == "structured" or any(s.label == doc.label for s in doc.sentences)


def test_decisions_span_tools_supersede_each_other_and_hide_where_unreadable(
    key: AnswerKey,
) -> None:
    docs = {d.record_id: d for d in key.documents}
    multi_tool = [
        d for d in key.decisions.values() if len({docs[r].tool for r in d.documents}) >= 2
    ]
    assert len(multi_tool) >= 8
    three = [d for d in multi_tool if len({docs[r].tool for r in d.documents}) >= 3]
    assert three, "one decision is stated in Slack, Jira and a CRM note"
    for decision in key.decisions.values():
        if decision.supersedes:
            earlier = key.decisions[decision.supersedes]
            assert earlier.superseded_by == decision.id
            assert earlier.status in ("reversed", "superseded")
    assert {d.status for d in key.decisions.values()} >= {
        "decided",
        "rejected",
        "reversed",
        "superseded",
    }
    assert not key.decisions["hiring-hold"].reachable  # a private channel the bot is not in
    assert key.decisions["adyen-back"].reachable


def test_structured_facts_match_jira_and_crm_transitions(key: AnswerKey) -> None:
    decisions = [s for s in key.structured if s.is_decision]
    assert {s.to_value for s in decisions if s.kind == "resolution"} >= {"Done", "Won't Do"}
    assert {s.to_value for s in decisions if s.kind == "stage_change"} >= {
        "closedwon",
        "closedlost",
        "Closed Won",
        "Closed Lost",
    }
    payfac = [s for s in decisions if s.decision == "no-payfac" and s.kind == "resolution"]
    assert payfac
    assert payfac[0].to_value == "Won't Do"
    kestrel = [s for s in decisions if s.decision == "no-onprem"]
    assert kestrel
    assert kestrel[0].reason == "Requires on-prem deployment"


def test_entities_record_every_spelling_seen(key: AnswerKey) -> None:
    assert {"Acme Corp", "ACME", "Acme Corporation", "acme, inc."} <= set(
        key.entities["Acme Corporation"]
    )
    assert {"Postgres", "PostgreSQL"} <= set(key.entities["PostgreSQL"])
    assert any("Acme Corporation" in d.entities for d in key.documents if d.tool == "jira")


def test_the_key_serializes_to_json(key: AnswerKey) -> None:
    data = json.loads(json.dumps(key.to_dict()))
    assert len(data["documents"]) == len(key.documents)
    doc = data["documents"][0]
    assert {"record_id", "label", "sentences", "text", "decisions"} <= set(doc)
    assert data["people"]["jane.doe"]["slack"]["record_id"].startswith("slack:U")
    assert data["decisions"]["ledger-db"]["documents"]


def test_record_ids_follow_the_connector_naming(key: AnswerKey, sandbox: Sandbox) -> None:
    renamed = sandbox.answer_key({"slack": "ws", "hubspot": "crm"})
    assert all(
        d.record_id.startswith(("ws:", "jira:", "crm:", "salesforce:")) for d in renamed.documents
    )
    kinds = {d.record_id.split(":")[1] for d in key.documents if d.tool == "hubspot"}
    assert kinds == {"deal", "note"}
    slack = next(d for d in key.documents if d.tool == "slack")
    assert re.fullmatch(r"slack:[CG][0-9A-Z]+:\d+\.\d{6}", slack.record_id)
    comment = next(d for d in key.documents if d.kind == "comment")
    assert re.fullmatch(r"jira:comment:\d+", comment.record_id)


def test_same_seed_same_world_other_seed_other_ids() -> None:
    first = Sandbox(now=NOW, seed=11).answer_key().to_dict()
    again = Sandbox(now=NOW, seed=11).answer_key().to_dict()
    other = Sandbox(now=NOW, seed=12).answer_key().to_dict()
    assert first == again
    assert first["documents"][0]["record_id"] != other["documents"][0]["record_id"]
    # the hand-written organization is the same; ids, jitter and template filler differ
    assert first["decisions"].keys() == other["decisions"].keys()
    assert first["people"]["jane.doe"]["name"] == other["people"]["jane.doe"]["name"]
    assert first["people"]["jane.doe"]["slack"] != other["people"]["jane.doe"]["slack"]


def test_every_timestamp_lies_within_sixty_days_before_now(key: AnswerKey) -> None:
    start = (NOW - timedelta(days=61)).isoformat()[:19]
    end = NOW.isoformat()[:19]
    assert all(start <= d.created_at[:19] <= end for d in key.documents)


def test_scale_grows_to_the_requested_size_in_proportion() -> None:
    seed = Sandbox(now=NOW).counts()
    grown = Sandbox(now=NOW, scale=3000)
    counts = grown.counts()
    assert counts["slack.messages"] == 3000
    ratio = counts["jira.issues"] / 3000
    assert ratio == pytest.approx(seed["jira.issues"] / seed["slack.messages"], rel=0.15)
    key = grown.answer_key()
    docs = {d.record_id: d for d in key.documents}
    generated = [d for d in key.decisions.values() if d.id.startswith("gen")]
    assert len(generated) > 100
    for decision in generated[:200]:
        text = " ".join(docs[m.record_id].text for m in decision.mentions).lower()
        assert _words(decision.statement) <= _words(text), decision.id
    with pytest.raises(ValueError, match="smaller than the hand-written"):
        Sandbox(now=NOW, scale=100)


def test_markers_never_reach_the_wire(sandbox: Sandbox) -> None:
    slack = slack_client(sandbox)
    channel = sandbox.world.channel_named("payments")
    assert channel is not None
    body = slack.get("/conversations.history", params={"channel": channel.id}).text
    assert "[[" not in body
    assert "@{" not in body
    assert strip_markers("[[d:x]] Go. [[c]] Ok.") == "Go. Ok."
