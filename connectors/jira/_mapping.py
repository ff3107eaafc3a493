"""Jira issues, comments, changelogs, users and projects to records: pure functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from connectors._record import Account, Container, ContainerRef, Fact, Identity, Link, Record
from connectors.jira._adf import adf_to_text
from connectors.jira._api import parse_time

#: Changelog fields whose transitions are decisions in their own right.
FACT_KINDS: Mapping[str, Literal["status_change", "resolution"]] = {
    "status": "status_change",
    "resolution": "resolution",
}

OnBad = Callable[[Exception, str], None]


def _name(value: object) -> str | None:
    """The ``name`` of a Jira object field (status, priority, issuetype, resolution ...)."""
    if isinstance(value, dict):
        name = value.get("name") or value.get("value")
        return str(name) if name else None
    return None


@dataclass(frozen=True)
class JiraMapper:
    """Maps one Jira site's objects into records for one connector instance."""

    source: str
    base_url: str
    record_id: Callable[[object], str]

    def issue_id(self, issue: Mapping[str, Any]) -> str:
        return self.record_id(issue["id"])

    def comment_id(self, comment: Mapping[str, Any]) -> str:
        # Comment ids are unique across the site and stay when an issue moves project.
        return self.record_id(f"comment:{comment['id']}")

    def project_id(self, project: Mapping[str, Any]) -> str:
        # Project and issue ids are both small integers: keep them apart.
        return self.record_id(f"project:{project['id']}")

    def identity(self, user: object) -> Identity | None:
        if not isinstance(user, dict) or not user.get("accountId"):
            return None
        return Identity(
            id=self.record_id(user["accountId"]),
            name=user.get("displayName") or None,
            email=user.get("emailAddress") or None,
        )

    def account(self, user: Mapping[str, Any]) -> Account:
        """A ``users/search`` user; app users are bots, inactive ones deleted."""
        return Account(
            id=self.record_id(user["accountId"]),
            source=self.source,
            source_type="jira",
            name=user.get("displayName") or None,
            display_name=user.get("displayName") or None,
            email=user.get("emailAddress") or None,
            is_bot=user.get("accountType") == "app",
            deleted=user.get("active") is False,
        )

    def project(self, project: Mapping[str, Any]) -> Container:
        """A ``project/search`` project."""
        properties = {
            "key": project.get("key"),
            "projectTypeKey": project.get("projectTypeKey"),
            "category": _name(project.get("projectCategory")),
            "style": project.get("style"),
        }
        return Container(
            id=self.project_id(project),
            source=self.source,
            source_type="jira",
            kind="project",
            name=project.get("name") or project.get("key"),
            url=f"{self.base_url}/browse/{project['key']}",
            properties={k: v for k, v in properties.items() if v is not None},
        )

    def project_ref(self, project: object) -> ContainerRef | None:
        if not isinstance(project, dict) or "id" not in project:
            return None
        return ContainerRef(
            id=self.project_id(project),
            kind="project",
            name=project.get("name") or project.get("key"),
            url=f"{self.base_url}/browse/{project['key']}" if project.get("key") else None,
        )

    def issue(self, issue: Mapping[str, Any], facts: list[Fact]) -> Record:
        """An issue with its description as text and its transitions as facts."""
        fields = issue["fields"]
        key = str(issue["key"])
        description = adf_to_text(fields.get("description"))
        assignee = self.identity(fields.get("assignee"))
        properties = {
            "key": key,
            "project": (fields.get("project") or {}).get("key"),
            "issuetype": _name(fields.get("issuetype")),
            "status": _name(fields.get("status")),
            "status_category": _name((fields.get("status") or {}).get("statusCategory")),
            "resolution": _name(fields.get("resolution")),
            "priority": _name(fields.get("priority")),
            "assignee": assignee.name if assignee else None,
            "labels": [str(label) for label in fields.get("labels") or []],
            "components": [
                n for n in (_name(c) for c in fields.get("components") or []) if n is not None
            ],
        }
        return Record(
            id=self.issue_id(issue),
            source=self.source,
            source_type="jira",
            kind="issue",
            container=self.project_ref(fields.get("project")),
            author=self.identity(fields.get("reporter")) or self.identity(fields.get("creator")),
            title=str(fields.get("summary") or key),
            text=description.text,
            url=f"{self.base_url}/browse/{key}",
            created_at=parse_time(fields["created"]),
            updated_at=parse_time(fields["updated"]),
            facts=facts,
            mentions=[
                Identity(id=self.record_id(m.account_id), name=m.name) for m in description.mentions
            ],
            links=self.links(fields),
            properties={k: v for k, v in properties.items() if v is not None},
        )

    def links(self, fields: Mapping[str, Any]) -> list[Link]:
        links: list[Link] = []
        parent = fields.get("parent")
        if isinstance(parent, dict) and parent.get("id"):
            links.append(Link(id=self.record_id(parent["id"]), kind="parent"))
        for link in fields.get("issuelinks") or []:
            if not isinstance(link, dict):
                continue
            kind = link.get("type") or {}
            for side, label in (("outwardIssue", "outward"), ("inwardIssue", "inward")):
                other = link.get(side)
                if isinstance(other, dict) and other.get("id"):
                    name = kind.get(label) or kind.get("name") or "relates to"
                    links.append(Link(id=self.record_id(other["id"]), kind=str(name)))
        return links

    def comment(self, issue: Mapping[str, Any], comment: Mapping[str, Any]) -> Record:
        """One comment: a document whose parent is its issue."""
        body = adf_to_text(comment.get("body"))
        issue_record = self.issue_id(issue)
        fields = issue.get("fields") or {}
        properties: dict[str, Any] = {"issue_key": issue["key"]}
        visibility = comment.get("visibility")
        if isinstance(visibility, dict) and visibility.get("value"):
            properties["visibility"] = f"{visibility.get('type', '?')}:{visibility['value']}"
        return Record(
            id=self.comment_id(comment),
            source=self.source,
            source_type="jira",
            kind="comment",
            container=self.project_ref(fields.get("project")),
            author=self.identity(comment.get("author")),
            text=body.text,
            url=f"{self.base_url}/browse/{issue['key']}?focusedCommentId={comment['id']}",
            created_at=parse_time(comment["created"]),
            updated_at=parse_time(comment.get("updated") or comment["created"]),
            parent_id=issue_record,
            thread_id=issue_record,
            mentions=[
                Identity(id=self.record_id(m.account_id), name=m.name) for m in body.mentions
            ],
            properties=properties,
        )

    def facts(
        self, issue: Mapping[str, Any], histories: Iterable[Mapping[str, Any]], on_bad: OnBad
    ) -> list[Fact]:
        """Status and resolution transitions; one bad history entry is skipped, not the issue.

        A fact's id is ``<issue record id>:changelog:<history id>:<item index>``, so re-reads
        give the same ids.
        """
        facts: list[Fact] = []
        for history in histories:
            try:
                facts.extend(self._history_facts(issue, history))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                on_bad(exc, f"{self.issue_id(issue)}:changelog:{history.get('id', '?')}")
        return sorted(facts, key=lambda f: (f.at, f.id))

    def _history_facts(self, issue: Mapping[str, Any], history: Mapping[str, Any]) -> list[Fact]:
        items = [i for i in history.get("items") or [] if isinstance(i, dict)]
        relevant = [(n, i) for n, i in enumerate(items) if i.get("field") in FACT_KINDS]
        if not relevant:
            return []
        at = parse_time(history["created"])
        actor = self.identity(history.get("author"))
        resolution = next((i for i in items if i.get("field") == "resolution"), None)
        facts = []
        for index, item in relevant:
            field = str(item["field"])
            facts.append(
                Fact(
                    id=f"{self.issue_id(issue)}:changelog:{history['id']}:{index}",
                    kind=FACT_KINDS[field],
                    field=field,
                    from_value=item.get("fromString"),
                    to_value=item.get("toString"),
                    actor=actor,
                    at=at,
                    reason=resolution.get("toString")
                    if field == "status" and resolution is not None
                    else None,
                )
            )
        return facts
