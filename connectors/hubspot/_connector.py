"""The HubSpot connector: owners, deal pipelines and CRM objects read incrementally by search."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from connectors._base import CheckResult, Connector, Stream
from connectors._config import ConnectorConfig
from connectors._record import Account, AnyRecord, Container, Record
from connectors.hubspot import _api as api
from connectors.hubspot._config import MAX_SEARCH_PAGE, HubSpotConfig
from connectors.hubspot._lookups import (
    OwnerIndex,
    PipelineIndex,
    owner_account,
    pipeline_container,
)
from connectors.hubspot._mapping import MapContext, map_object, object_type_container
from connectors.hubspot._objects import SPECS, ObjectSpec, properties_for

#: Owners and pipelines change rarely: read them once per this many seconds, not per stream.
LOOKUP_TTL = 600.0


class HubSpotConnector(Connector):
    """HubSpot CRM: deals with their stage history, notes and other engagements, companies,
    contacts, owners (people) and deal pipelines."""

    type_name: ClassVar[str] = "hubspot"
    config_model: ClassVar[type[ConnectorConfig]] = HubSpotConfig
    default_base_url: ClassVar[str] = "https://api.hubapi.com"
    #: Results one search query may page through; tests lower it.
    search_cap: int = api.SEARCH_CAP

    config: HubSpotConfig

    def setup(self) -> None:
        self._owners: tuple[float, OwnerIndex] | None = None
        self._pipelines: tuple[float, PipelineIndex] | None = None

    @classmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        """A private-app token from the environment and the default object types."""
        config: dict[str, Any] = {
            "type": cls.type_name,
            "token": "env:HUBSPOT_TOKEN",
            "object_types": ["companies", "contacts", "deals", "notes"],
        }
        if base_url:
            config["base_url"] = base_url
        return config

    def make_client(self) -> httpx.Client:
        """Bearer auth with the private app token."""
        return self.bearer_client(self.config.token, "token")

    def classify(self, response: httpx.Response, endpoint: str) -> None:
        """HubSpot's JSON errors: 401 and missing scopes are fatal, 429 and 5xx retriable."""
        api.classify(response, endpoint)

    def specs(self) -> list[ObjectSpec]:
        """The object types this instance reads."""
        return [SPECS[t] for t in self.config.enabled_object_types()]

    def streams(self) -> Sequence[Stream]:
        """Owners and pipelines first (people and containers), then each object type."""
        return [
            Stream("owners", "accounts", self.fetch_owners, incremental=False,
                   description="CRM owners (people), active and archived"),
            Stream("pipelines", "containers", self.fetch_containers, incremental=False,
                   description="deal pipelines with their stages, and the object types"),
            *(
                Stream(spec.type, "documents", functools.partial(self.fetch_objects, spec),
                       description=f"{spec.type} modified since the cursor, via search")
                for spec in self.specs()
            ),
        ]  # fmt: skip

    def check(self) -> CheckResult:
        """Read one owner and one search result of each object type: proves the token and
        every scope the configured object types need."""
        with self.api.limited():  # a verdict in seconds, not a sync's retry budget
            return self._check()

    def _check(self) -> CheckResult:
        details = []
        self.api.get_json(api.OWNERS, params={"limit": 1})
        details.append("owners: readable (crm.objects.owners.read)")
        for spec in self.specs():
            page = self.api.post_json(
                api.SEARCH.format(type=spec.type),
                json={"limit": 1, "properties": ["hs_object_id"]},
            )
            details.append(f"{spec.type}: readable, {page.get('total', '?')} records")
        if any(s.type == "deals" for s in self.specs()):
            details.append(f"deal pipelines: {len(api.pipelines(self.api))}")
        return CheckResult(
            ok=True,
            summary=f"HubSpot token accepted; read owners and {len(self.specs())} object types",
            details=details,
        )

    # -- streams ------------------------------------------------------------------------

    def fetch_owners(self, since: datetime | None) -> Iterator[Account]:
        """Every owner; archived owners (people who left) come as deleted accounts."""
        for archived in (False, True):
            yield from self.map_each(
                api.owners(self.api, archived=archived),
                lambda o: owner_account(o, source=self.name, record_id=self.record_id),
                id_of=lambda o: self.record_id(f"owner:{o.get('id')}"),
            )

    def fetch_containers(self, since: datetime | None) -> Iterator[Container]:
        """The configured object types, and the deal pipelines with their stages."""
        for spec in self.specs():
            yield object_type_container(spec, source=self.name, record_id=self.record_id)
        if any(s.type == "deals" for s in self.specs()):
            yield from self.map_each(
                api.pipelines(self.api),
                lambda p: pipeline_container(p, source=self.name, record_id=self.record_id),
                id_of=lambda p: self.record_id(f"pipeline:{p.get('id')}"),
            )

    def fetch_objects(self, spec: ObjectSpec, since: datetime | None) -> Iterator[AnyRecord]:
        """Objects of one type modified at or after ``since``, with their associations (and,
        for deals, their stage history), mapped one by one; then those deleted since."""
        start = _aware(since) if since else datetime.now(UTC) - self.config.initial_history
        ctx = MapContext(
            source=self.name,
            record_id=self.record_id,
            owners=self.owner_index(),
            pipelines=self.pipeline_index() if spec.type == "deals" else PipelineIndex([]),
            portal_id=self.config.portal_id,
            extra={k: list(names) for k, names in self.config.extra_properties.items()},
        )
        properties = properties_for(spec, self.config.extra_properties.get(spec.type, []))
        limit = min(self.config.page_size or MAX_SEARCH_PAGE, MAX_SEARCH_PAGE)
        for results in api.search(
            self.api, spec, since=start, properties=properties, limit=limit, cap=self.search_cap
        ):
            yield from self._map_page(spec, ctx, results)
        if self.config.track_deletions:
            for rows in api.archived(self.api, spec, since=start, properties=properties):
                yield from self.map_each(
                    rows,
                    lambda o: map_object(o, spec, ctx),
                    id_of=lambda o: self.record_id(f"{spec.prefix}:{o.get('id')}"),
                )

    def _map_page(
        self, spec: ObjectSpec, ctx: MapContext, results: list[dict[str, Any]]
    ) -> Iterator[Record]:
        ids = [str(r.get("id")) for r in results if r.get("id") is not None]
        enabled = self.config.enabled_object_types()
        # Search returns no associations: read them for the whole page in batches, but only
        # towards object types this instance reads (their scopes may be missing otherwise).
        links = {
            target: api.associations(self.api, spec.type, target, ids)
            for target in spec.associations
            if target in enabled
        }
        histories: dict[str, dict[str, list[dict[str, Any]]]] = {}
        if spec.type == "deals" and self.config.stage_history:
            histories = api.property_histories(self.api, "deals", ids, ["dealstage"])

        def convert(obj: dict[str, Any]) -> Record:
            native = str(obj.get("id"))
            return map_object(
                obj,
                spec,
                ctx,
                links={t: found.get(native, []) for t, found in links.items()},
                history=histories.get(native, {}).get("dealstage"),
            )

        return self.map_each(
            results, convert, id_of=lambda o: self.record_id(f"{spec.prefix}:{o.get('id')}")
        )

    # -- lookups shared by streams --------------------------------------------------------

    def owner_index(self) -> OwnerIndex:
        """Owners (active and archived) by owner id and user id, read at most every
        ``LOOKUP_TTL`` seconds."""
        now = time.monotonic()
        if self._owners is None or now - self._owners[0] > LOOKUP_TTL:
            owners = [
                o for archived in (False, True) for o in api.owners(self.api, archived=archived)
            ]
            self._owners = (now, OwnerIndex(owners, self.record_id))
        return self._owners[1]

    def pipeline_index(self) -> PipelineIndex:
        """Deal pipelines and stages, read at most every ``LOOKUP_TTL`` seconds."""
        now = time.monotonic()
        if self._pipelines is None or now - self._pipelines[0] > LOOKUP_TTL:
            self._pipelines = (now, PipelineIndex(api.pipelines(self.api)))
        return self._pipelines[1]


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)
