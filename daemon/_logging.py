"""Structured logging: an event name plus key=value fields, secrets redacted, JSON on demand."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from connectors import RedactingFilter

_CONFIGURED = False


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for journald and log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str = "info", fmt: str = "console") -> None:
    """Configure the ``siphon`` loggers once per process (stderr, redacting)."""
    global _CONFIGURED
    root = logging.getLogger("siphon")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(name)s %(message)s", "%H:%M:%S")
        )
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False
    # dlt logs through its own logger; keep it quiet unless debugging.
    logging.getLogger("dlt").setLevel(logging.DEBUG if level == "debug" else logging.WARNING)
    _CONFIGURED = True
