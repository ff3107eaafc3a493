"""Salesforce REST: SOQL ``query``/``queryAll`` with ``nextRecordsUrl`` batches, sObject reads
and describes, and the OAuth 2.0 client-credentials token endpoint.

The SOQL subset covers what connectors send: ``SELECT fields FROM Object [WHERE ...]
[ORDER BY ...] [LIMIT n] [OFFSET n]`` with AND/OR/NOT, comparisons, IN, LIKE, datetime and date
literals, relationship fields (``Owner.Name``) and ``FIELDS(ALL|STANDARD)``. Errors are arrays of
``{message, errorCode, fields}``.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from connectors.sandbox._generate import SALESFORCE_STAGES
from connectors.sandbox._markup import to_html, to_plain
from connectors.sandbox._server import ApiError, Request, Response
from connectors.sandbox._world import (
    DAY,
    US,
    CrmCompany,
    CrmContact,
    CrmNote,
    Deal,
    Person,
    StageChange,
    World,
    day_date,
    from_dt,
    sf_checksum,
    sf_time,
)

VERSIONS = (
    ("Spring '24", "60.0"),
    ("Summer '24", "61.0"),
    ("Winter '25", "62.0"),
    ("Spring '25", "63.0"),
    ("Summer '25", "64.0"),
)
ORG_ID = "00D5g000004SbxREAS"


def _errors(status: int, code: str, message: str, fields: list[str] | None = None) -> ApiError:
    return ApiError(
        Response(status, [{"message": message, "errorCode": code, "fields": fields or []}])
    )


# --- the schema -------------------------------------------------------------------------------

Row = dict[str, Any]


@dataclass(frozen=True)
class SObject:
    name: str
    prefix: str
    fields: dict[str, str]  # canonical name -> type (id, string, textarea, datetime, date, ...)
    lookups: dict[str, tuple[str, str]]  # relationship name -> (id field, target object)


def _fields(*pairs: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, _, kind = pair.partition(":")
        out[name] = kind or "string"
    return out


_AUDIT = (
    "CreatedDate:datetime",
    "CreatedById:reference",
    "LastModifiedDate:datetime",
    "LastModifiedById:reference",
    "SystemModstamp:datetime",
    "IsDeleted:boolean",
)
_AUDIT_LOOKUPS = {
    "CreatedBy": ("CreatedById", "User"),
    "LastModifiedBy": ("LastModifiedById", "User"),
}
SCHEMA: dict[str, SObject] = {
    "User": SObject(
        "User",
        "005",
        _fields(
            "Id:id",
            "Username",
            "Name",
            "FirstName",
            "LastName",
            "Alias",
            "Email:email",
            "IsActive:boolean",
            "UserType:picklist",
            "Title",
            "TimeZoneSidKey:picklist",
            *_AUDIT,
        ),
        dict(_AUDIT_LOOKUPS),
    ),
    "Account": SObject(
        "Account",
        "001",
        _fields(
            "Id:id",
            "Name",
            "Industry:picklist",
            "Type:picklist",
            "BillingCity",
            "BillingCountry",
            "Website:url",
            "OwnerId:reference",
            "ParentId:reference",
            "Description:textarea",
            *_AUDIT,
        ),
        {"Owner": ("OwnerId", "User"), "Parent": ("ParentId", "Account"), **_AUDIT_LOOKUPS},
    ),
    "Contact": SObject(
        "Contact",
        "003",
        _fields(
            "Id:id",
            "FirstName",
            "LastName",
            "Name",
            "Email:email",
            "Title",
            "Phone:phone",
            "Department",
            "Description:textarea",
            "LeadSource:picklist",
            "AccountId:reference",
            "OwnerId:reference",
            *_AUDIT,
        ),
        {"Owner": ("OwnerId", "User"), "Account": ("AccountId", "Account"), **_AUDIT_LOOKUPS},
    ),
    "Opportunity": SObject(
        "Opportunity",
        "006",
        _fields(
            "Id:id",
            "Name",
            "AccountId:reference",
            "OwnerId:reference",
            "StageName:picklist",
            "Amount:currency",
            "CloseDate:date",
            "IsClosed:boolean",
            "IsWon:boolean",
            "Probability:percent",
            "ForecastCategoryName:picklist",
            "Type:picklist",
            "LeadSource:picklist",
            "Description:textarea",
            "Loss_Reason__c:string",
            "NextStep",
            "LastStageChangeDate:datetime",
            *_AUDIT,
        ),
        {"Owner": ("OwnerId", "User"), "Account": ("AccountId", "Account"), **_AUDIT_LOOKUPS},
    ),
    "OpportunityHistory": SObject(
        "OpportunityHistory",
        "008",
        _fields(
            "Id:id",
            "OpportunityId:reference",
            "StageName:picklist",
            "Amount:currency",
            "CloseDate:date",
            "Probability:percent",
            "ForecastCategory:picklist",
            "ExpectedRevenue:currency",
            "CreatedById:reference",
            "CreatedDate:datetime",
            "SystemModstamp:datetime",
            "IsDeleted:boolean",
        ),
        {"Opportunity": ("OpportunityId", "Opportunity"), "CreatedBy": ("CreatedById", "User")},
    ),
    "Note": SObject(
        "Note",
        "002",
        _fields(
            "Id:id",
            "Title",
            "Body:textarea",
            "ParentId:reference",
            "OwnerId:reference",
            "IsPrivate:boolean",
            *_AUDIT,
        ),
        {"Owner": ("OwnerId", "User"), "Parent": ("ParentId", "Opportunity"), **_AUDIT_LOOKUPS},
    ),
    "Task": SObject(
        "Task",
        "00T",
        _fields(
            "Id:id",
            "Subject",
            "Description:textarea",
            "Status:picklist",
            "Priority:picklist",
            "WhatId:reference",
            "WhoId:reference",
            "AccountId:reference",
            "OwnerId:reference",
            "ActivityDate:date",
            "IsClosed:boolean",
            "TaskSubtype:picklist",
            *_AUDIT,
        ),
        {
            "Owner": ("OwnerId", "User"),
            "What": ("WhatId", "Opportunity"),
            "Who": ("WhoId", "Contact"),
            "Account": ("AccountId", "Account"),
            **_AUDIT_LOOKUPS,
        },
    ),
    "ContentNote": SObject(
        "ContentNote",
        "069",
        _fields(
            "Id:id",
            "Title",
            "TextPreview",
            "FileType:picklist",
            "FileExtension",
            "ContentSize:int",
            "OwnerId:reference",
            "LatestPublishedVersionId:reference",
            "CreatedById:reference",
            "CreatedDate:datetime",
            "LastModifiedById:reference",
            "LastModifiedDate:datetime",
            "IsDeleted:boolean",
        ),
        {"Owner": ("OwnerId", "User"), **_AUDIT_LOOKUPS},
    ),
    "ContentDocumentLink": SObject(
        "ContentDocumentLink",
        "06A",
        _fields(
            "Id:id",
            "ContentDocumentId:reference",
            "LinkedEntityId:reference",
            "ShareType:picklist",
            "Visibility:picklist",
            "SystemModstamp:datetime",
            "IsDeleted:boolean",
        ),
        {"ContentDocument": ("ContentDocumentId", "ContentNote")},
    ),
    "OpportunityStage": SObject(
        "OpportunityStage",
        "01J",
        _fields(
            "Id:id",
            "ApiName",
            "MasterLabel",
            "IsActive:boolean",
            "IsClosed:boolean",
            "IsWon:boolean",
            "DefaultProbability:percent",
            "SortOrder:int",
            "ForecastCategoryName:picklist",
            "SystemModstamp:datetime",
        ),
        {},
    ),
}
_CANONICAL_OBJECTS = {name.lower(): name for name in SCHEMA}


# --- SOQL -------------------------------------------------------------------------------------

_SOQL_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*')
      | (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
      | (?P<date>\d{4}-\d{2}-\d{2}(?![\d:T]))
      | (?P<num>-?\d+(?:\.\d+)?(?![\w.]))
      | (?P<op>!=|<>|>=|<=|=|>|<|\(|\)|,)
      | (?P<word>[A-Za-z_][\w.]*(?::\d+)?)
    )""",
    re.VERBOSE,
)


class SoqlError(ValueError):
    def __init__(self, code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.fields = fields or []


@dataclass(frozen=True)
class Tok:
    kind: str
    value: str
    pos: int


def _tokenize(soql: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    while pos < len(soql):
        if not soql[pos:].strip():
            break
        match = _SOQL_TOKEN.match(soql, pos)
        if match is None or match.end() == pos:
            raise SoqlError(
                "MALFORMED_QUERY", _at(soql, pos, f"unexpected token: '{soql[pos:].split()[0]}'")
            )
        kind = match.lastgroup or "word"
        value = match.group(kind)
        start = match.start(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append(Tok(kind, value, start))
        pos = match.end()
    return out


def _at(soql: str, pos: int, message: str) -> str:
    return f"\n{soql}\n{' ' * pos}^\nERROR at Row:1:Column:{pos + 1}\n{message}"


@dataclass
class Query:
    sobject: SObject
    fields: list[str]  # canonical names, possibly Relationship.Field
    where: Callable[[Row], bool] | None
    order: list[tuple[str, bool, bool]]  # (field, descending, nulls last)
    limit: int | None
    offset: int
    count_only: bool
    relations: bool = False


class _Soql:
    def __init__(self, soql: str, api: SalesforceApi) -> None:
        self.soql = soql
        self.tokens = _tokenize(soql)
        self.pos = 0
        self.api = api
        self.sobject: SObject | None = None
        self.relations = False

    def peek(self) -> Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def fail(self, message: str, tok: Tok | None = None) -> SoqlError:
        tok = tok or self.peek()
        pos = tok.pos if tok else len(self.soql)
        return SoqlError("MALFORMED_QUERY", _at(self.soql, pos, message))

    def word(self, *words: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.value.upper() in words:
            self.pos += 1
            return True
        return False

    def op(self, value: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.value == value:
            self.pos += 1
            return True
        return False

    def expect_word(self, word: str) -> None:
        if not self.word(word):
            tok = self.peek()
            raise self.fail(
                f"unexpected token: '{tok.value if tok else '<EOF>'}'"
                if tok
                else f"expecting {word}, unexpected end of query"
            )

    def parse(self) -> Query:
        self.expect_word("SELECT")
        raw_fields: list[Tok] = []
        count_only = False
        while True:
            tok = self.peek()
            if tok is None:
                raise self.fail("unexpected end of query")
            if (
                tok.kind == "word"
                and tok.value.upper() in ("FIELDS", "COUNT")
                and self.pos + 1 < len(self.tokens)
                and self.tokens[self.pos + 1].value == "("
            ):
                self.pos += 2
                inner = self.peek()
                if tok.value.upper() == "COUNT":
                    if not self.op(")"):
                        raise self.fail("COUNT() takes no field in this sandbox", inner)
                    count_only = True
                else:
                    if inner is None or inner.value.upper() not in ("ALL", "STANDARD", "CUSTOM"):
                        raise self.fail("FIELDS() takes ALL, STANDARD or CUSTOM", inner)
                    self.pos += 1
                    if not self.op(")"):
                        raise self.fail("expecting ')'")
                    raw_fields.append(Tok("fields", inner.value.upper(), tok.pos))
            elif tok.kind == "word":
                self.pos += 1
                raw_fields.append(tok)
            else:
                raise self.fail(f"unexpected token: '{tok.value}'", tok)
            if not self.op(","):
                break
        self.expect_word("FROM")
        tok = self.peek()
        if tok is None or tok.kind != "word":
            raise self.fail("expecting an object name after FROM")
        self.pos += 1
        name = _CANONICAL_OBJECTS.get(tok.value.lower())
        if name is None:
            raise SoqlError(
                "INVALID_TYPE",
                _at(
                    self.soql,
                    tok.pos,
                    f"sObject type '{tok.value}' is not supported. If you are attempting to use a "
                    "custom object, be sure to append the '__c' after the entity name. Please "
                    "reference your WSDL or the describe call for the appropriate names.",
                ),
            )
        self.sobject = SCHEMA[name]
        fields: list[str] = []
        all_fields = False
        for raw in raw_fields:
            if raw.kind == "fields":
                all_fields = all_fields or raw.value in ("ALL", "CUSTOM")
                for fname in self.sobject.fields:
                    custom = fname.endswith("__c")
                    wanted = raw.value == "ALL" or (raw.value == "CUSTOM") == custom
                    if wanted and fname not in fields:
                        fields.append(fname)
            else:
                canonical = self.field(raw)
                if canonical not in fields:
                    fields.append(canonical)
        where = None
        if self.word("WHERE"):
            where = self.expr()
        order: list[tuple[str, bool, bool]] = []
        if self.word("ORDER"):
            self.expect_word("BY")
            while True:
                tok = self.peek()
                if tok is None or tok.kind != "word":
                    raise self.fail("expecting a field after ORDER BY")
                self.pos += 1
                fname = self.field(tok)
                descending = self.word("DESC")
                if not descending:
                    self.word("ASC")
                nulls_last = descending
                if self.word("NULLS"):
                    if self.word("LAST"):
                        nulls_last = True
                    else:
                        self.expect_word("FIRST")
                        nulls_last = False
                order.append((fname, descending, nulls_last))
                if not self.op(","):
                    break
        limit = None
        offset = 0
        if self.word("LIMIT"):
            limit = self.integer()
        if self.word("OFFSET"):
            offset = self.integer()
            if offset > 2000:
                raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")
        leftover = self.peek()
        if leftover is not None:
            raise self.fail(f"unexpected token: '{leftover.value}'", leftover)
        if all_fields and (limit is None or limit > 200):
            raise SoqlError(
                "MALFORMED_QUERY",
                _at(self.soql, 0, "The SOQL FIELDS function must have a LIMIT of at most 200"),
            )
        if not fields and not count_only:
            raise self.fail("expecting at least one field")
        return Query(self.sobject, fields, where, order, limit, offset, count_only, self.relations)

    def integer(self) -> int:
        tok = self.peek()
        if tok is None or tok.kind != "num" or not tok.value.isdigit():
            raise self.fail("expecting a non-negative integer")
        self.pos += 1
        return int(tok.value)

    def field(self, tok: Tok) -> str:
        assert self.sobject is not None
        name = self.api.resolve_field(self.sobject, tok.value, self.soql, tok.pos)
        self.relations = self.relations or "." in name
        return name

    def expr(self) -> Callable[[Row], bool]:
        left = self.term()
        while self.word("OR"):
            right = self.term()
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    def term(self) -> Callable[[Row], bool]:
        left = self.factor()
        while self.word("AND"):
            right = self.factor()
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left

    def factor(self) -> Callable[[Row], bool]:
        if self.word("NOT"):
            inner = self.factor()
            return lambda r: not inner(r)
        if self.op("("):
            inner = self.expr()
            if not self.op(")"):
                raise self.fail("expecting ')'")
            return inner
        return self.comparison()

    def literal(self, ftype: str) -> Any:
        tok = self.peek()
        if tok is None:
            raise self.fail("expecting a value, unexpected end of query")
        self.pos += 1
        if tok.kind == "str":
            return tok.value
        if tok.kind == "num":
            return float(tok.value)
        if tok.kind == "dt":
            if ftype != "datetime":
                raise SoqlError(
                    "INVALID_FIELD",
                    _at(
                        self.soql,
                        tok.pos,
                        f"value of filter criterion for field must be of type "
                        f"{ftype} and should not be enclosed in quotes",
                    ),
                )
            text = tok.value.replace("Z", "+00:00")
            if re.search(r"[+-]\d{4}$", text):
                text = text[:-2] + ":" + text[-2:]
            return from_dt(datetime.fromisoformat(text))
        if tok.kind == "date":
            day = date.fromisoformat(tok.value)
            value = from_dt(datetime(day.year, day.month, day.day, tzinfo=UTC))
            return value if ftype == "datetime" else tok.value
        if tok.kind == "word":
            upper = tok.value.upper()
            if upper in ("TRUE", "FALSE"):
                return upper == "TRUE"
            if upper == "NULL":
                return None
            now = self.api.wall_clock()
            today = now - now % DAY
            relative = {"TODAY": today, "YESTERDAY": today - DAY, "TOMORROW": today + DAY}
            if upper in relative:
                return relative[upper] if ftype == "datetime" else day_date(relative[upper])
            match = re.fullmatch(r"(LAST|NEXT)_N_DAYS:(\d+)", upper)
            if match:
                days = int(match.group(2)) * (-1 if match.group(1) == "LAST" else 1)
                value = today + days * DAY
                return value if ftype == "datetime" else day_date(value)
        raise self.fail(f"unexpected token: '{tok.value}'", tok)

    def comparison(self) -> Callable[[Row], bool]:
        tok = self.peek()
        if tok is None or tok.kind != "word":
            raise self.fail(f"unexpected token: '{tok.value if tok else '<EOF>'}'")
        self.pos += 1
        assert self.sobject is not None
        fname = self.field(tok)
        ftype = self.api.field_type(self.sobject, fname)
        negate_in = False
        if self.word("NOT"):
            if not self.word("IN"):
                raise self.fail("expecting IN after NOT")
            negate_in = True
            op = "IN"
        elif self.word("IN"):
            op = "IN"
        elif self.word("LIKE"):
            op = "LIKE"
        else:
            op_tok = self.peek()
            if op_tok is None or op_tok.kind != "op" or op_tok.value in "(),":
                raise self.fail(f"unexpected token: '{op_tok.value if op_tok else '<EOF>'}'")
            self.pos += 1
            op = "!=" if op_tok.value == "<>" else op_tok.value
        if op == "IN":
            if not self.op("("):
                raise self.fail("expecting '(' after IN")
            values = [self.literal(ftype)]
            while self.op(","):
                values.append(self.literal(ftype))
            if not self.op(")"):
                raise self.fail("expecting ')'")
            folded = {_fold(v) for v in values}
            return lambda r: (_fold(r.get(fname)) in folded) != negate_in
        value = self.literal(ftype)
        if op == "LIKE":
            pattern = re.compile(
                "^" + re.escape(str(value)).replace("%", ".*").replace("_", ".") + "$",
                re.IGNORECASE,
            )
            return lambda r: r.get(fname) is not None and bool(pattern.match(str(r[fname])))
        target = _fold(value)

        def compare(row: Row) -> bool:
            actual = _fold(row.get(fname))
            if op == "=":
                return bool(actual == target)
            if op == "!=":
                return bool(actual != target)
            if actual is None or target is None:
                return False
            try:
                return bool(
                    {
                        ">": actual > target,
                        ">=": actual >= target,
                        "<": actual < target,
                        "<=": actual <= target,
                    }[op]
                )
            except TypeError:
                return False

        return compare


def _fold(value: Any) -> Any:
    """Comparable form: text case-insensitively, numbers as floats, booleans as themselves."""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


# --- the API ----------------------------------------------------------------------------------


class _Locator:
    __slots__ = ("ids", "query", "size", "version")

    def __init__(self, query: Query, ids: list[str], size: int, version: str) -> None:
        self.query = query
        self.ids = ids
        self.size = size
        self.version = version


class SalesforceApi:
    """Salesforce REST under ``/services/data/vXX.X`` and ``/services/oauth2/token``."""

    name = "salesforce"

    def __init__(
        self,
        world: World,
        access_token: str,
        client_id: str,
        client_secret: str,
        batch_size: int = 2000,
        wall_clock: Callable[[], int] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"salesforce batch size must be at least 1, got {batch_size}")
        self.world = world
        self.access_token = access_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.batch_size = batch_size
        self.wall_clock = wall_clock or (lambda: world.now)
        self.tokens = {access_token}
        self._locators: OrderedDict[str, _Locator] = OrderedDict()
        self._rows: dict[tuple[str, int], list[Row]] = {}
        self._lookups: tuple[int, dict[str, tuple[SObject, Row]]] | None = None
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    # protocol

    def endpoint(self, request: Request) -> str:
        path = request.path.rstrip("/")
        routes = (
            (r"/services/oauth2/token", "salesforce.token"),
            (r"/services/data", "salesforce.versions"),
            (r"/services/data/v\d+\.\d", "salesforce.resources"),
            (r"/services/data/v\d+\.\d/query(All)?", "salesforce.query"),
            (r"/services/data/v\d+\.\d/query(All)?/[\w-]+", "salesforce.query_more"),
            (r"/services/data/v\d+\.\d/sobjects", "salesforce.sobjects"),
            (r"/services/data/v\d+\.\d/sobjects/\w+/describe", "salesforce.describe"),
            (r"/services/data/v\d+\.\d/sobjects/ContentNote/\w+/Content", "salesforce.content"),
            (r"/services/data/v\d+\.\d/sobjects/\w+/\w+", "salesforce.sobject"),
            (r"/services/data/v\d+\.\d/limits", "salesforce.limits"),
        )
        for pattern, name in routes:
            if re.fullmatch(pattern, path):
                return name
        raise _errors(404, "NOT_FOUND", "The requested resource does not exist")

    def authenticate(self, request: Request) -> Response | None:
        if request.path.rstrip("/") == "/services/oauth2/token":
            return None  # the token endpoint checks client credentials itself
        auth = request.header("authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and token.strip() in self.tokens:
            return None
        return Response(
            401,
            [
                {
                    "message": "Session expired or invalid",
                    "errorCode": "INVALID_SESSION_ID",
                    "fields": [],
                }
            ],
            {"WWW-Authenticate": "Token"},
        )

    def throttled(self, request: Request, retry_after: float) -> Response:
        # Salesforce has no 429: it refuses with REQUEST_LIMIT_EXCEEDED (here the concurrency
        # flavour, which clears quickly); Retry-After is a courtesy the real API does not send.
        return Response(
            403,
            [
                {
                    "message": "ConcurrentPerOrgLongTxn Limit exceeded.",
                    "errorCode": "REQUEST_LIMIT_EXCEEDED",
                    "fields": [],
                }
            ],
            {"Retry-After": f"{retry_after:g}"},
        )

    def failed(self, request: Request, exc: Exception) -> Response:
        return Response(
            500,
            [
                {
                    "message": "An unexpected error occurred. Please include this "
                    "ErrorId if you contact support: sandbox",
                    "errorCode": "UNKNOWN_EXCEPTION",
                    "fields": [],
                }
            ],
        )

    def handle(self, request: Request) -> Response:
        endpoint = self.endpoint(request)
        path = request.path.rstrip("/")
        if endpoint == "salesforce.token":
            return self.token(request)
        if endpoint == "salesforce.versions":
            return Response(
                200,
                [
                    {"label": label, "url": f"/services/data/v{v}", "version": v}
                    for label, v in VERSIONS
                ],
            )
        version = path.split("/")[3]
        if endpoint == "salesforce.resources":
            return Response(
                200,
                {
                    name: f"/services/data/{version}/{name}"
                    for name in ("query", "queryAll", "sobjects", "limits")
                },
            )
        if endpoint == "salesforce.limits":
            return Response(200, {"DailyApiRequests": {"Max": 100000, "Remaining": 99000}})
        with self.world.lock:
            if endpoint == "salesforce.query":
                soql = request.param("q")
                if not soql:
                    raise _errors(400, "MALFORMED_QUERY", "A query string has to be specified")
                return self.query(request, soql, version)
            if endpoint == "salesforce.query_more":
                return self.query_more(path.split("/")[-1], version)
            if endpoint == "salesforce.sobjects":
                return Response(
                    200,
                    {
                        "encoding": "UTF-8",
                        "maxBatchSize": 200,
                        "sobjects": [
                            {
                                "name": o.name,
                                "label": o.name,
                                "keyPrefix": o.prefix,
                                "queryable": True,
                                "urls": {"sobject": f"/services/data/{version}/sobjects/{o.name}"},
                            }
                            for o in SCHEMA.values()
                        ],
                    },
                )
            parts = path.split("/")
            name = _CANONICAL_OBJECTS.get(parts[5].lower())
            if name is None:
                raise _errors(404, "NOT_FOUND", "The requested resource does not exist")
            if endpoint == "salesforce.content":
                return self.content(parts[6])
            if endpoint == "salesforce.describe":
                return Response(200, self.describe(SCHEMA[name], version))
            return self.sobject(SCHEMA[name], parts[6], version)

    # OAuth

    def token(self, request: Request) -> Response:
        form = request.form()
        form.update({k: v[0] for k, v in request.query.items() if v})
        grant = form.get("grant_type")
        if grant != "client_credentials":
            return Response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
        if form.get("client_id") != self.client_id:
            return Response(
                400,
                {"error": "invalid_client_id", "error_description": "client identifier invalid"},
            )
        if form.get("client_secret") != self.client_secret:
            return Response(
                400, {"error": "invalid_client", "error_description": "invalid client credentials"}
            )
        with self._lock:
            issued = (
                f"{ORG_ID}!AQ4AQ{hashlib.sha256(str(next(self._counter)).encode()).hexdigest()}"
            )
            self.tokens.add(issued)
        integration = self.world.people.get("sf-integration")
        user = integration.sf_id if integration else ""
        base = request.base_url
        return Response(
            200,
            {
                "access_token": issued,
                "signature": hashlib.sha256(issued.encode()).hexdigest()[:43] + "=",
                "scope": "api",
                "instance_url": base,
                "id": f"{base}/id/{ORG_ID}/{user}",
                "token_type": "Bearer",
                "issued_at": str(self.wall_clock() // 1000),
            },
        )

    # schema helpers

    def resolve_field(self, sobject: SObject, raw: str, soql: str, pos: int) -> str:
        lowered = raw.lower()
        if "." in raw:
            relation, _, rest = raw.partition(".")
            for name, (_, target) in sobject.lookups.items():
                if name.lower() == relation.lower():
                    inner = self.resolve_field(SCHEMA[target], rest, soql, pos + len(name) + 1)
                    return f"{name}.{inner}"
            raise SoqlError(
                "INVALID_FIELD",
                _at(
                    soql,
                    pos,
                    f"Didn't understand relationship '{relation}' in field path. If you "
                    "are attempting to use a custom relationship, be sure to append the '__r' "
                    "after the custom relationship name. Please reference your WSDL or the "
                    "describe call "
                    "for the appropriate names.",
                ),
                [raw],
            )
        for name in sobject.fields:
            if name.lower() == lowered:
                return name
        raise SoqlError(
            "INVALID_FIELD",
            _at(
                soql,
                pos,
                f"No such column '{raw}' on entity '{sobject.name}'. If you are "
                "attempting to use a custom field, be sure to append the '__c' after the custom "
                "field name. Please reference your WSDL or the describe call for the appropriate "
                "names.",
            ),
            [raw],
        )

    def field_type(self, sobject: SObject, name: str) -> str:
        if "." in name:
            relation, _, rest = name.partition(".")
            return self.field_type(SCHEMA[sobject.lookups[relation][1]], rest)
        return sobject.fields[name]

    # rows

    def _user(self, key: str) -> str | None:
        person = self.world.people.get(key)
        return person.sf_id if person else None

    def _person(self, key: str) -> tuple[str, str]:
        person = self.world.people.get(key)
        if person is None:
            return "", key
        return person.sf_id or "", person.sf_name or person.name

    def _audit(self, created: int, updated: int, creator: str, modifier: str) -> Row:
        return {
            "CreatedDate": created,
            "CreatedById": self._user(creator),
            "LastModifiedDate": updated,
            "LastModifiedById": self._user(modifier),
            "SystemModstamp": updated,
            "IsDeleted": False,
        }

    def rows(self, sobject: SObject) -> list[Row]:
        """Every record of an object as raw values (times in microseconds), cached until the
        world changes."""
        key = (sobject.name, self.world.version)
        cached = self._rows.get(key)
        if cached is None:
            cached = self._make_rows(sobject)
            if len(self._rows) > 32:
                self._rows.clear()
            self._rows[key] = cached
        return cached

    def _make_rows(self, sobject: SObject) -> list[Row]:
        world = self.world
        crm = world.salesforce
        name = sobject.name
        out: list[Row] = []
        if name == "User":
            for p in world.people.values():
                if p.sf_id:
                    out.append(self._user_row(p))
        elif name == "Account":
            for c in crm.companies.values():
                out.append(self._account_row(c))
        elif name == "Contact":
            for contact in crm.contacts.values():
                out.append(self._contact_row(contact))
        elif name == "Opportunity":
            for d in crm.deals.values():
                out.append(self._opportunity_row(d))
        elif name == "OpportunityHistory":
            for d in crm.deals.values():
                for change in d.history:
                    out.append(self._history_row(d, change))
        elif name == "Note":
            for n in crm.notes.values():
                if n.kind == "note":
                    out.append(self._note_row(n))
        elif name == "Task":
            for n in crm.notes.values():
                if n.kind == "task":
                    out.append(self._task_row(n))
        elif name == "ContentNote":
            for n in crm.notes.values():
                if n.kind == "contentnote":
                    out.append(self._content_note_row(n))
        elif name == "ContentDocumentLink":
            for n in crm.notes.values():
                if n.kind == "contentnote":
                    out.extend(self._link_rows(n))
        elif name == "OpportunityStage":
            for order, (stage, (probability, forecast, closed, won)) in enumerate(
                SALESFORCE_STAGES.items(), 1
            ):
                out.append(
                    {
                        "Id": _derived_id("01J", stage, 0),
                        "ApiName": stage,
                        "MasterLabel": stage,
                        "IsActive": True,
                        "IsClosed": closed,
                        "IsWon": won,
                        "DefaultProbability": float(probability),
                        "SortOrder": order,
                        "ForecastCategoryName": forecast,
                        "SystemModstamp": world.now - 400 * DAY,
                    }
                )
        return out

    def content(self, record_id: str) -> Response:
        """A ContentNote's body, as the HTML blob Salesforce stores."""
        for note in self.world.salesforce.notes.values():
            if note.kind == "contentnote" and record_id in (note.id, note.id[:15]):
                body = to_html(note.src, self._person).encode()
                return Response(200, raw=body, headers={"Content-Type": "text/html;charset=UTF-8"})
        raise _errors(404, "NOT_FOUND", "The requested resource does not exist")

    def _user_row(self, p: Person) -> Row:
        created = p.created - p.created % US
        return {
            "Id": p.sf_id,
            "Username": f"{(p.sf_email or p.email)}.tessera",
            "Name": p.sf_name,
            "FirstName": p.sf_first,
            "LastName": p.sf_last,
            "Alias": ((p.sf_first or "")[:1] + (p.sf_last or "")[:4]).lower(),
            "Email": p.sf_email,
            "IsActive": not p.deleted,
            "UserType": "Standard" if not p.is_bot else "AutomatedProcess",
            "Title": p.title,
            "TimeZoneSidKey": p.tz,
            **self._audit(created, created, p.key, p.key),
        }

    def _account_row(self, c: CrmCompany) -> Row:
        has_won = any(
            d.company_id == c.id and d.stage == "Closed Won"
            for d in self.world.salesforce.deals.values()
        )
        return {
            "Id": c.id,
            "Name": c.name,
            "Industry": c.industry,
            "Type": "Customer - Direct" if has_won else "Prospect",
            "BillingCity": c.city,
            "BillingCountry": c.country,
            "Website": f"https://{c.domain}",
            "OwnerId": self._user(c.owner),
            "ParentId": None,
            "Description": c.description or None,
            **self._audit(c.created, c.updated, c.owner, c.owner),
        }

    def _contact_row(self, c: CrmContact) -> Row:
        return {
            "Id": c.id,
            "FirstName": c.first,
            "LastName": c.last,
            "Name": f"{c.first} {c.last}",
            "Email": c.email,
            "Title": c.title,
            "Phone": c.phone or None,
            "Department": "Finance" if "Finance" in c.title or "CFO" in c.title else "Operations",
            "Description": None,
            "LeadSource": "Web",
            "AccountId": c.company_id,
            "OwnerId": self._user(c.owner),
            **self._audit(c.created, c.updated, c.owner, c.owner),
        }

    def _opportunity_row(self, d: Deal) -> Row:
        probability, forecast, closed, won = SALESFORCE_STAGES[d.stage]
        last = d.history[-1] if d.history else None
        close = last.at if closed and last else d.close_date
        return {
            "Id": d.id,
            "Name": d.name,
            "AccountId": d.company_id,
            "OwnerId": self._user(d.owner),
            "StageName": d.stage,
            "Amount": float(d.amount),
            "CloseDate": day_date(close),
            "IsClosed": closed,
            "IsWon": won,
            "Probability": float(probability),
            "ForecastCategoryName": forecast,
            "Type": d.deal_type if d.deal_type != "newbusiness" else "New Customer",
            "LeadSource": d.lead_source,
            "Description": to_plain(d.src, self._person) or None,
            "Loss_Reason__c": d.reason if d.stage == "Closed Lost" else None,
            "NextStep": None if closed else "Follow up",
            "LastStageChangeDate": last.at if last else d.created,
            **self._audit(d.created, d.updated, d.owner, last.actor if last else d.owner),
        }

    def _history_row(self, d: Deal, change: StageChange) -> Row:
        probability, forecast, _closed, _won = SALESFORCE_STAGES[change.stage]
        return {
            "Id": change.id,
            "OpportunityId": d.id,
            "StageName": change.stage,
            "Amount": float(d.amount),
            "CloseDate": day_date(d.close_date),
            "Probability": float(probability),
            "ForecastCategory": forecast,
            "ExpectedRevenue": float(d.amount) * probability / 100,
            "CreatedById": self._user(change.actor),
            "CreatedDate": change.at,
            "SystemModstamp": change.at,
            "IsDeleted": False,
        }

    def _note_row(self, n: CrmNote) -> Row:
        return {
            "Id": n.id,
            "Title": n.subject,
            "Body": to_plain(n.src, self._person),
            "ParentId": n.deal_id,
            "OwnerId": self._user(n.owner),
            "IsPrivate": False,
            **self._audit(n.created, n.updated, n.owner, n.owner),
        }

    def _task_row(self, n: CrmNote) -> Row:
        return {
            "Id": n.id,
            "Subject": n.subject,
            "Description": to_plain(n.src, self._person),
            "Status": n.status,
            "Priority": "Normal",
            "WhatId": n.deal_id,
            "WhoId": n.contact_id,
            "AccountId": n.company_id,
            "OwnerId": self._user(n.owner),
            "ActivityDate": day_date(n.created),
            "IsClosed": n.status == "Completed",
            "TaskSubtype": "Call" if n.subject.lower().startswith("call") else "Task",
            **self._audit(n.created, n.updated, n.owner, n.owner),
        }

    def _content_note_row(self, n: CrmNote) -> Row:
        plain = to_plain(n.src, self._person)
        return {
            "Id": n.id,
            "Title": n.subject,
            "TextPreview": plain[:255],
            "FileType": "SNOTE",
            "FileExtension": "snote",
            "ContentSize": len(to_html(n.src, self._person).encode()),
            "OwnerId": self._user(n.owner),
            "LatestPublishedVersionId": _derived_id("068", n.id, 0),
            "CreatedById": self._user(n.owner),
            "CreatedDate": n.created,
            "LastModifiedById": self._user(n.owner),
            "LastModifiedDate": n.updated,
            "IsDeleted": False,
        }

    def _link_rows(self, n: CrmNote) -> list[Row]:
        targets = [(self._user(n.owner), "I"), (n.deal_id, "V"), (n.company_id, "V")]
        return [
            {
                "Id": _derived_id("06A", n.id, i),
                "ContentDocumentId": n.id,
                "LinkedEntityId": target,
                "ShareType": share,
                "Visibility": "AllUsers",
                "SystemModstamp": n.created,
                "IsDeleted": False,
            }
            for i, (target, share) in enumerate(targets)
            if target
        ]

    def _lookup_index(self) -> dict[str, tuple[SObject, Row]]:
        if self._lookups is not None and self._lookups[0] == self.world.version:
            return self._lookups[1]
        index: dict[str, tuple[SObject, Row]] = {}
        for sobject in SCHEMA.values():
            if sobject.name == "OpportunityHistory":
                continue
            for row in self.rows(sobject):
                index[row["Id"]] = (sobject, row)
        self._lookups = (self.world.version, index)
        return index

    def render(
        self,
        sobject: SObject,
        row: Row,
        fields: list[str],
        version: str,
        lookups: dict[str, tuple[SObject, Row]] | None,
    ) -> Row:
        out: Row = {
            "attributes": {
                "type": sobject.name,
                "url": f"/services/data/{version}/sobjects/{sobject.name}/{row['Id']}",
            }
        }
        for name in fields:
            if "." in name:
                relation, _, rest = name.partition(".")
                target_id = row.get(sobject.lookups[relation][0])
                found = (lookups or {}).get(target_id or "")
                if found is None:
                    out[relation] = None
                    continue
                target, target_row = found
                nested = out.get(relation)
                if not isinstance(nested, dict):
                    nested = {
                        "attributes": {
                            "type": target.name,
                            "url": f"/services/data/{version}/sobjects/{target.name}/{target_id}",
                        }
                    }
                    out[relation] = nested
                inner = self.render(target, target_row, [rest], version, lookups)
                inner.pop("attributes")
                for key, value in inner.items():
                    if isinstance(value, dict) and isinstance(nested.get(key), dict):
                        nested[key].update(value)
                    else:
                        nested[key] = value
                continue
            value = row.get(name)
            if sobject.fields[name] == "datetime" and isinstance(value, int):
                value = sf_time(value)
            out[name] = value
        return out

    def _value(
        self, sobject: SObject, row: Row, name: str, lookups: dict[str, tuple[SObject, Row]] | None
    ) -> Any:
        if "." not in name:
            value = row.get(name)
            if sobject.fields[name] == "datetime" and isinstance(value, int):
                return value - value % US  # Salesforce keeps whole seconds
            return value
        relation, _, rest = name.partition(".")
        target_id = row.get(sobject.lookups[relation][0])
        found = (lookups or {}).get(target_id or "")
        if found is None:
            return None
        return self._value(found[0], found[1], rest, lookups)

    # query

    def query(self, request: Request, soql: str, version: str) -> Response:
        try:
            query = _Soql(soql, self).parse()
        except SoqlError as exc:
            raise _errors(400, exc.code, str(exc), exc.fields) from None
        if query.sobject.name == "ContentDocumentLink" and query.where is None:
            raise _errors(
                400,
                "MALFORMED_QUERY",
                _at(
                    soql,
                    0,
                    "Implementation restriction: ContentDocumentLink requires a filter by a "
                    "single Id on ContentDocumentId or LinkedEntityId using the equals operator or "
                    "multiple Id's using the IN operator.",
                ),
            )
        lookups = self._lookup_index() if query.relations else None
        rows = self.rows(query.sobject)
        if query.where is not None:
            where = query.where
            rows = [r for r in rows if where(_Flat(self, query.sobject, r, lookups))]
        for fname, descending, nulls_last in reversed(query.order):
            values = [(self._value(query.sobject, r, fname, lookups), r) for r in rows]
            present_pairs = [(v, r) for v, r in values if v is not None]
            missing = [r for v, r in values if v is None]
            present_pairs.sort(key=lambda pair: _fold(pair[0]), reverse=descending)
            present = [r for _, r in present_pairs]
            rows = present + missing if nulls_last else missing + present
        rows = rows[query.offset :]
        if query.limit is not None:
            rows = rows[: query.limit]
        if query.count_only:
            return Response(200, {"totalSize": len(rows), "done": True, "records": []})
        ids = [r["Id"] for r in rows]
        size = self.batch_size
        header = request.header("sforce-query-options") or ""
        match = re.search(r"batchSize\s*=\s*(\d+)", header)
        if match:
            size = min(size, max(200, min(2000, int(match.group(1)))))
        return self._batch(query, ids, 0, size, version)

    def _batch(
        self,
        query: Query,
        ids: list[str],
        start: int,
        size: int,
        version: str,
        locator: str | None = None,
    ) -> Response:
        chunk = ids[start : start + size]
        by_id: dict[str, Row] = {}
        if chunk:
            wanted = set(chunk)
            by_id = {row["Id"]: row for row in self.rows(query.sobject) if row["Id"] in wanted}
        lookups = self._lookup_index() if query.relations else None
        records = [
            self.render(query.sobject, by_id[i], query.fields, version, lookups)
            for i in chunk
            if i in by_id
        ]
        done = start + size >= len(ids)
        payload: dict[str, Any] = {"totalSize": len(ids), "done": done}
        if not done:
            with self._lock:
                if locator is None:  # one cursor per query, as Salesforce keeps a snapshot
                    locator = f"01g5g0000{next(self._counter):09d}"
                    self._locators[locator] = _Locator(query, ids, size, version)
                self._locators.move_to_end(locator)
                while len(self._locators) > 200:
                    self._locators.popitem(last=False)
            payload["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}-{start + size}"
        payload["records"] = records
        return Response(200, payload)

    def query_more(self, tail: str, version: str) -> Response:
        locator, _, offset = tail.rpartition("-")
        with self._lock:
            found = self._locators.get(locator)
        if found is None or not offset.isdigit():
            raise _errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._batch(found.query, found.ids, int(offset), found.size, found.version, locator)

    # sObjects

    def describe(self, sobject: SObject, version: str) -> dict[str, Any]:
        return {
            "name": sobject.name,
            "label": sobject.name,
            "keyPrefix": sobject.prefix,
            "queryable": True,
            "custom": False,
            "fields": [
                {
                    "name": name,
                    "type": kind,
                    "label": name,
                    "custom": name.endswith("__c"),
                    "nillable": name != "Id",
                    "relationshipName": next(
                        (r for r, (f, _) in sobject.lookups.items() if f == name), None
                    ),
                }
                for name, kind in sobject.fields.items()
            ],
            "urls": {"sobject": f"/services/data/{version}/sobjects/{sobject.name}"},
        }

    def sobject(self, sobject: SObject, record_id: str, version: str) -> Response:
        for row in self.rows(sobject):
            if row["Id"] in (record_id, record_id[:15]) or row["Id"][:15] == record_id:
                return Response(200, self.render(sobject, row, list(sobject.fields), version, None))
        raise _errors(404, "NOT_FOUND", "The requested resource does not exist")


def _derived_id(prefix: str, seed: str, n: int) -> str:
    """A stable Salesforce-shaped id for a row derived from another record."""
    digest = hashlib.sha256(f"{prefix}:{seed}:{n}".encode()).hexdigest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    body = "".join(alphabet[int(digest[i : i + 2], 16) % 62] for i in range(0, 10, 2))
    return sf_checksum(prefix + "5g00000" + body)


class _Flat(dict[str, Any]):
    """A row view for WHERE clauses that resolves relationship fields on demand."""

    def __init__(
        self,
        api: SalesforceApi,
        sobject: SObject,
        row: Row,
        lookups: dict[str, tuple[SObject, Row]] | None,
    ) -> None:
        super().__init__()
        self.api = api
        self.sobject = sobject
        self.row = row
        self.lookups = lookups

    def get(self, key: str, default: Any = None) -> Any:
        return self.api._value(self.sobject, self.row, key, self.lookups)

    def __getitem__(self, key: str) -> Any:
        return self.get(key)
