"""Who and where: HubSpot owners (people) and deal pipelines (stage labels, closed won /
lost), as Accounts and Containers and as lookups for mapping records. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from connectors._errors import SkippableError
from connectors._record import Account, Container, Identity
from connectors.hubspot import _values as v

SOURCE_TYPE = "hubspot"

RecordId = Callable[[str], str]


def owner_id(record_id: RecordId, native: object) -> str:
    """The global id of an owner (an ``Account``); records name it as author or actor."""
    return record_id(f"owner:{native}")


def full_name(first: object, last: object) -> str | None:
    """First and last name joined, ``None`` when both are blank."""
    return " ".join(p for p in (v.text(first), v.text(last)) if p) or None


def owner_account(owner: dict[str, Any], *, source: str, record_id: RecordId) -> Account:
    """An owner is a person who works in the CRM: an ``Account``."""
    native = v.text(owner.get("id"))
    if native is None:
        raise SkippableError("owner without an id")
    return Account(
        id=owner_id(record_id, native),
        source=source,
        source_type=SOURCE_TYPE,
        name=full_name(owner.get("firstName"), owner.get("lastName")),
        email=v.text(owner.get("email")),
        deleted=bool(owner.get("archived")),
        updated_at=v.timestamp(owner.get("updatedAt"), "updatedAt"),
    )


class OwnerIndex:
    """Owners by owner id and by user id (property history names users, not owners)."""

    def __init__(self, owners: Iterable[dict[str, Any]], record_id: RecordId) -> None:
        self.by_id: dict[str, Identity] = {}
        self.by_user_id: dict[str, Identity] = {}
        for owner in owners:
            native = v.text(owner.get("id"))
            if native is None:
                continue
            identity = Identity(
                id=owner_id(record_id, native),
                name=full_name(owner.get("firstName"), owner.get("lastName")),
                email=v.text(owner.get("email")),
            )
            self.by_id[native] = identity
            user = v.text(owner.get("userId"))
            if user is not None:
                self.by_user_id.setdefault(user, identity)
        self.record_id = record_id

    def owner(self, native: object) -> Identity | None:
        """The identity of an owner id; an unknown id still names the account."""
        key = v.text(native)
        if key is None:
            return None
        return self.by_id.get(key) or Identity(id=owner_id(self.record_id, key))

    def user(self, native: object) -> Identity | None:
        """The owner behind a HubSpot user id, when that user is an owner."""
        key = v.text(native)
        if key is None:
            return None
        return self.by_user_id.get(key) or Identity(id=self.record_id(f"user:{key}"))


@dataclass(frozen=True)
class Stage:
    """A deal stage with what its metadata says about closing."""

    id: str
    label: str
    pipeline_id: str
    is_closed: bool
    probability: float | None

    @property
    def is_won(self) -> bool:
        return self.is_closed and self.probability == 1.0

    @property
    def is_lost(self) -> bool:
        return self.is_closed and self.probability == 0.0


class PipelineIndex:
    """Deal pipelines and their stages: stage ids to labels and closed won / lost."""

    def __init__(self, pipelines: Iterable[dict[str, Any]]) -> None:
        self.labels: dict[str, str] = {}
        self.stages: dict[tuple[str, str], Stage] = {}
        self.any_pipeline: dict[str, Stage] = {}
        for pipeline in pipelines:
            pid = str(pipeline.get("id"))
            self.labels[pid] = str(pipeline.get("label") or pid)
            for raw in pipeline.get("stages") or []:
                stage = _stage(pid, raw)
                if stage is not None:
                    self.stages[(pid, stage.id)] = stage
                    self.any_pipeline.setdefault(stage.id, stage)

    def stage(self, pipeline_id: str | None, stage_id: str | None) -> Stage | None:
        """A stage by id, looked up in its pipeline first (stage ids are per pipeline)."""
        if stage_id is None:
            return None
        return self.stages.get((pipeline_id or "", stage_id)) or self.any_pipeline.get(stage_id)

    def label(self, pipeline_id: str | None, stage_id: str | None) -> str | None:
        """The stage's label, or its id when the pipelines do not know it."""
        stage = self.stage(pipeline_id, stage_id)
        return stage.label if stage else stage_id


def _stage(pipeline_id: str, raw: Any) -> Stage | None:
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    meta = raw.get("metadata") or {}
    try:
        probability = v.number(meta.get("probability"), "probability")
        closed = bool(v.boolean(meta.get("isClosed"), "isClosed"))
    except SkippableError:
        probability, closed = None, False  # odd stage metadata: treat the stage as open
    sid = str(raw["id"])
    return Stage(sid, str(raw.get("label") or sid), pipeline_id, closed, probability)


def pipeline_container(
    pipeline: dict[str, Any], *, source: str, record_id: RecordId, object_type: str = "deals"
) -> Container:
    """A deal pipeline, with its stages (label, order, closed, won) for the ontology."""
    pid = v.text(pipeline.get("id"))
    if pid is None:
        raise SkippableError("pipeline without an id")
    stages = []
    for raw in sorted(pipeline.get("stages") or [], key=lambda s: s.get("displayOrder") or 0):
        stage = _stage(pid, raw)
        if stage is not None:
            stages.append(
                {
                    "id": stage.id,
                    "label": stage.label,
                    "is_closed": stage.is_closed,
                    "is_won": stage.is_won,
                    "is_lost": stage.is_lost,
                    "probability": stage.probability,
                }
            )
    return Container(
        id=record_id(f"pipeline:{pid}"),
        source=source,
        source_type=SOURCE_TYPE,
        kind="pipeline",
        name=v.text(pipeline.get("label")) or pid,
        properties={
            "object_type": object_type,
            "stages": stages,
            "archived": bool(pipeline.get("archived")),
        },
        updated_at=v.timestamp(pipeline.get("updatedAt"), "updatedAt"),
    )
