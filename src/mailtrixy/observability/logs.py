"""Log records as one JSON object per line, with the context ids, never with a secret.

settings.LOGGING wires these in: `RedactingFilter` and `ContextFilter` on the console handler,
and `JsonFormatter` when LOG_FORMAT=json (plain text otherwise, for the demo's terminal).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from mailtrixy.observability.context import FIELDS, current_ids
from mailtrixy.observability.redact import redact

# Attributes every LogRecord has; anything else was passed in `extra=` and is kept as a field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", *FIELDS}


class ContextFilter(logging.Filter):
    """Copies the current workspace, connection and run ids onto the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current_ids().items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        return True


class RedactingFilter(logging.Filter):
    """Masks secret-looking text in the message (arguments merged in) and in the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", workspace_id?, connection_id?, run_id?, extras…}."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        # Masked once more as a whole: extras and tracebacks are text too.
        return redact(json.dumps(entry, default=str, ensure_ascii=False))
