"""The Salesforce connector: users, object types, and records read incrementally by SOQL."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from connectors._base import CheckResult, Connector, Stream
from connectors._config import ConnectorConfig
from connectors._errors import FatalError, SkippableError
from connectors._html import html_to_text
from connectors._http import make_client
from connectors._record import Account, AnyRecord, Container, Record
from connectors.salesforce import _api as api
from connectors.salesforce._config import SalesforceConfig
from connectors.salesforce._mapping import (
    MapContext,
    account_record,
    contact_record,
    note_record,
    object_container,
    opportunity_record,
    task_record,
    user_account,
)
from connectors.salesforce._objects import HISTORY_FIELDS, SPECS, STAGE_SOQL, SObjectSpec

#: Ids per ``IN (...)`` list: keeps the query URL well under Salesforce's 16 KB limit.
ID_CHUNK = 200

Mapper = Callable[[dict[str, Any], SObjectSpec, MapContext], Record]
MAPPERS: dict[str, Mapper] = {
    "Account": account_record,
    "Contact": contact_record,
    "Task": task_record,
    "Note": note_record,
}


#: A lower bound older than any Salesforce org.
ALL_OF_TIME = datetime(1999, 1, 1, tzinfo=UTC)


class SalesforceConnector(Connector):
    """Salesforce: opportunities with their stage history, tasks and notes, accounts, contacts,
    users (people) and object types."""

    type_name: ClassVar[str] = "salesforce"
    config_model: ClassVar[type[ConnectorConfig]] = SalesforceConfig

    config: SalesforceConfig

    def setup(self) -> None:
        cfg = self.config
        secret = cfg.client_secret
        self.session = api.Session(
            self.api,
            token_url=cfg.token_url or f"{self.base_url}/services/oauth2/token",
            client_id=cfg.client_id.get_secret_value() if cfg.client_id else None,
            client_secret=secret.get_secret_value() if secret else None,
        )
        self.soql = api.Soql(self.session, cfg.api_version, batch_size=cfg.page_size)

    @classmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        """OAuth client credentials from the environment (a static token expires within
        hours, so a daemon should renew its own)."""
        return {
            "type": cls.type_name,
            "base_url": base_url or "https://example.my.salesforce.com",
            "api_version": "v60.0",
            "client_id": "env:SALESFORCE_CLIENT_ID",
            "client_secret": "env:SALESFORCE_CLIENT_SECRET",
        }

    def make_client(self) -> httpx.Client:
        """The instance URL; a static token goes in the headers, an OAuth one on first use."""
        headers = {}
        if self.config.access_token is not None:
            headers["Authorization"] = f"Bearer {self.config.access_token.get_secret_value()}"
        return make_client(
            base_url=self.base_url, headers=headers, timeout=self.config.timeout.total_seconds()
        )

    def classify(self, response: httpx.Response, endpoint: str) -> None:
        """Salesforce's error arrays: see ``_api.classify``."""
        api.classify(response, endpoint)

    def specs(self) -> list[SObjectSpec]:
        """The objects this instance reads, users first."""
        enabled = self.config.enabled_objects()
        return [spec for name, spec in SPECS.items() if name in enabled]

    def streams(self) -> Sequence[Stream]:
        """Users (people) and object types first, then each object's records."""
        specs = self.specs()
        users = [
            Stream("users", "accounts", self.fetch_users, description="users (people)")
            for spec in specs
            if spec.name == "User"
        ]
        types = Stream(
            "object_types",
            "containers",
            self.fetch_containers,
            incremental=False,
            description="object types; Opportunity with its stages",
        )
        records = [
            Stream(
                spec.stream,
                "documents",
                functools.partial(self.fetch_records, spec),
                description=f"{spec.name} rows changed since the cursor",
            )
            for spec in specs
            if spec.name != "User"
        ]
        return [*users, types, *records]

    def check(self) -> CheckResult:
        """Authenticate, then run each object's real query with ``LIMIT 1``: proves access and
        every configured field name."""
        with self.api.limited():  # a verdict in seconds, not a sync's retry budget
            return self._check()

    def _check(self) -> CheckResult:
        self.session.ensure()
        auth = "OAuth client credentials" if self.config.uses_oauth else "static access token"
        details = [f"authenticated with {auth}"]
        path = f"/services/data/{self.config.api_version}/query"
        response: httpx.Response | None = None
        queries: list[tuple[str, str]] = [
            (spec.name, self.select_soql(spec) + " LIMIT 1") for spec in self.specs()
        ]
        if self.history_enabled():
            queries.append(("OpportunityHistory", self.history_soql([]) + " LIMIT 1"))
        for name, soql in queries:
            response = self.session.request("GET", path, params={"q": soql})
            details.append(f"{name}: readable")
        usage = response.headers.get("Sforce-Limit-Info") if response is not None else None
        if usage:
            details.append(f"API usage (24 h): {usage}")
        return CheckResult(
            ok=True,
            summary=f"Salesforce accepted the credentials; {len(self.specs())} objects readable",
            details=details,
        )

    # -- SOQL ------------------------------------------------------------------------------

    def fields(self, spec: SObjectSpec) -> list[str]:
        """The fields one object's query selects."""
        roles = [f for f in self.config.roles(spec.name).values() if f]
        extra = self.config.extra_fields.get(spec.name, [])
        return list(dict.fromkeys([*spec.system_fields(), *roles, *extra]))

    def select_soql(self, spec: SObjectSpec, where: str = "") -> str:
        """``SELECT <fields> FROM <object> [WHERE ...] ORDER BY <modstamp>, Id``."""
        clause = f" WHERE {where}" if where else ""
        # Field names are checked by the config model and the object names are ours.
        return (
            f"SELECT {', '.join(self.fields(spec))} FROM {spec.name}{clause} "  # noqa: S608
            f"ORDER BY {spec.modstamp} ASC, Id ASC"
        )

    def history_soql(self, opportunity_ids: list[str]) -> str:
        """Stage history of some opportunities (all of them with an empty list)."""
        where = (
            f" WHERE OpportunityId IN ({api.soql_ids(opportunity_ids)})" if opportunity_ids else ""
        )
        return (
            f"SELECT {', '.join(HISTORY_FIELDS)} FROM OpportunityHistory{where} "  # noqa: S608
            "ORDER BY OpportunityId ASC, CreatedDate ASC, Id ASC"
        )

    def history_enabled(self) -> bool:
        """Whether stage history is read (Opportunity enabled and history wanted)."""
        return self.config.stage_history and "Opportunity" in self.config.enabled_objects()

    def changed(self, spec: SObjectSpec, since: datetime | None) -> Iterator[list[dict[str, Any]]]:
        """Batches of an object's rows changed at or after ``since``."""
        start = since if since else datetime.now(UTC) - self.config.initial_history
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        return self.soql.since(
            lambda literal: self.select_soql(spec, f"{spec.modstamp} >= {literal}"),
            start,
            spec.modstamp,
            all_rows=self.config.include_deleted and spec.deletable,
        )

    def context(self, spec: SObjectSpec) -> MapContext:
        """What mapping this object's rows needs."""
        return MapContext(
            source=self.name,
            record_id=self.record_id,
            base_url=self.base_url,
            roles=self.config.roles(spec.name),
            extra=list(self.config.extra_fields.get(spec.name, [])),
        )

    # -- streams ---------------------------------------------------------------------------

    def fetch_users(self, since: datetime | None) -> Iterator[Account]:
        """Users changed since the cursor; inactive users come as deleted accounts.

        The first sync reads every user, not just those changed within ``initial_history``:
        people who have not touched their profile for years still own deals and write notes.
        """
        spec = SPECS["User"]
        ctx = self.context(spec)
        for batch in self.changed(spec, since or ALL_OF_TIME):
            yield from self.map_each(batch, lambda row: user_account(row, ctx), id_of=self._id_of)

    def fetch_containers(self, since: datetime | None) -> Iterator[Container]:
        """Each configured object type; Opportunity carries its stages."""
        for spec in self.specs():
            stages: list[dict[str, Any]] = []
            if spec.name == "Opportunity":
                stages = list(self.soql.rows(STAGE_SOQL))
            yield object_container(spec, source=self.name, record_id=self.record_id, stages=stages)

    def fetch_records(self, spec: SObjectSpec, since: datetime | None) -> Iterator[AnyRecord]:
        """An object's rows changed at or after ``since``, mapped one by one."""
        ctx = self.context(spec)
        for batch in self.changed(spec, since):
            ids = [str(row.get("Id")) for row in batch if row.get("Id")]
            yield from self.map_each(batch, self._converter(spec, ctx, ids), id_of=self._id_of)

    def _converter(
        self, spec: SObjectSpec, ctx: MapContext, ids: list[str]
    ) -> Callable[[dict[str, Any]], Record]:
        """The row mapper for one batch, with what it needs read for the whole batch first."""
        if spec.name == "Opportunity":
            histories = self.histories(ids) if self.history_enabled() else {}
            return lambda row: opportunity_record(
                row, spec, ctx, histories.get(str(row.get("Id")), [])
            )
        if spec.name == "ContentNote":
            linked = self.content_links(ids)

            def content_note(row: dict[str, Any]) -> Record:
                native = str(row.get("Id"))
                body = None if row.get("IsDeleted") else self.content_note_text(native)
                return note_record(row, spec, ctx, body=body, linked=linked.get(native, []))

            return content_note
        mapper = MAPPERS[spec.name]
        return lambda row: mapper(row, spec, ctx)

    def _id_of(self, row: dict[str, Any]) -> str:
        return self.record_id(row.get("Id"))

    # -- related reads ---------------------------------------------------------------------

    def histories(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """OpportunityHistory rows per opportunity id."""
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for start in range(0, len(ids), ID_CHUNK):
            for row in self.soql.rows(self.history_soql(ids[start : start + ID_CHUNK])):
                found[str(row.get("OpportunityId"))].append(row)
        return found

    def content_links(self, ids: list[str]) -> dict[str, list[str]]:
        """Records each ContentNote is attached to (not the users it is shared with)."""
        found: dict[str, list[str]] = defaultdict(list)
        for start in range(0, len(ids), ID_CHUNK):
            soql = (
                "SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink "  # noqa: S608
                f"WHERE ContentDocumentId IN ({api.soql_ids(ids[start : start + ID_CHUNK])})"
            )
            for row in self.soql.rows(soql):
                target = str(row.get("LinkedEntityId") or "")
                if target and not target.startswith("005"):
                    found[str(row.get("ContentDocumentId"))].append(target)
        return found

    def content_note_text(self, native: str) -> str:
        """A ContentNote's body (HTML, fetched as a blob) as plain text."""
        url = f"/services/data/{self.config.api_version}/sobjects/ContentNote/{native}/Content"
        try:
            response = self.session.request("GET", url)
        except FatalError as exc:
            if exc.status == 404:  # deleted between the query and this read
                raise SkippableError(
                    "note content is gone", record_id=self.record_id(native)
                ) from exc
            raise
        return html_to_text(response.content.decode("utf-8", errors="replace"))
