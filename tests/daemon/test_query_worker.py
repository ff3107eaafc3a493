"""The bounded query worker: memory bound, wall-clock kill, refusal; and sd_notify."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest

import daemon._query_worker as query_worker
from daemon._api import parse_listen
from daemon._lifecycle import sd_notify
from daemon._query_worker import QueryLimits, QueryMemoryError, QueryService
from ontology import GraphStore, QueryRefusedError, QueryTimeoutError


@pytest.fixture
def service(tmp_path: Path) -> QueryService:
    path = tmp_path / "graph.kuzu"
    GraphStore(path).close()
    return QueryService(None, path, QueryLimits(5.0, 3, 256), workers=1, keep_open=False)


def test_memory_bound_row_limit_and_refusal(service: QueryService) -> None:
    try:
        with pytest.raises(QueryMemoryError, match="256 MB"):
            service.run("UNWIND range(1, 100000000) AS x RETURN sum(x)")
        result = service.run("UNWIND range(1, 10) AS x RETURN x")  # the same worker goes on
        assert result.rows == [[1], [2], [3]]
        assert result.truncated
        with pytest.raises(QueryRefusedError):
            service.run("MATCH (n:Person) SET n.name = 'x'")
    finally:
        service.close()


def test_a_query_past_its_wall_clock_limit_is_killed(
    service: QueryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine's own timeout (5 s) would fire late; the parent's clock must not wait for it.
    monkeypatch.setattr(query_worker, "KILL_GRACE_S", -4.0)
    try:
        with pytest.raises(QueryTimeoutError, match="stopped"):
            service.run(
                "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b "
                "UNWIND range(1, 1000) AS c WITH a * b + c AS z WHERE z % 7 = 3 RETURN sum(z)"
            )
        worker = service._workers[0]
        assert worker.killed_by_us
        assert not worker.alive
        assert service.run("RETURN 1 AS one").rows == [[1]]  # a fresh worker answers
    finally:
        service.close()


def test_sd_notify_abstract_and_path_sockets(tmp_path: Path) -> None:
    assert sd_notify("READY=1", environ={}) is False
    abstract = f"@siphon-{uuid.uuid4().hex}"
    path = str(tmp_path / "notify.sock")
    for address, bind in ((abstract, "\0" + abstract[1:]), (path, path)):
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(bind)
            assert sd_notify("READY=1", "STATUS=ok", environ={"NOTIFY_SOCKET": address})
            assert sock.recv(100) == b"READY=1\nSTATUS=ok"
    os.unlink(path)
    assert sd_notify("READY=1", environ={"NOTIFY_SOCKET": path}) is False  # nobody listens


@pytest.mark.parametrize(
    ("listen", "expected"),
    [("127.0.0.1:8470", ("127.0.0.1", 8470)), ("[::1]:0", ("::1", 0))],
)
def test_parse_listen(listen: str, expected: tuple[str, int]) -> None:
    assert parse_listen(listen) == expected


@pytest.mark.parametrize("listen", ["8470", "localhost:http", "host:70000"])
def test_parse_listen_refuses(listen: str) -> None:
    with pytest.raises(ValueError, match="listen"):
        parse_listen(listen)
