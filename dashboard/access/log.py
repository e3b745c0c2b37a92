"""The audit log: one JSON line per sign-in, sign-out, page view and download, appended to a file
outside the data folder (`[access] audit_log`, default `audit.jsonl` in the cache folder).

Each line: {"at": ISO time in UTC, "event": ..., "who": email, "role": ..., "scope": ..., "what": ...}.
Appends take an exclusive lock, so several server processes can share one file. The time is the
clock's (when it happened), unlike the dashboard's dates, which come from the data.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from pathlib import Path

from dashboard.core.cache_folder import cache_folder
from dashboard.core.config import Config

EVENTS = ("sign_in", "sign_out", "page_view", "download", "refused")


def audit_path(config: Config) -> Path:
    return Path(config.access.audit_log) if config.access.audit_log else cache_folder(config) / "audit.jsonl"


def record(path: Path, event: str, who: str, role: str | None, scope: str, what: str = "",
           at: dt.datetime | None = None) -> dict:
    """Append one event; returns the line written."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    line = {"at": (at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"), "event": event,
            "who": who, "role": role, "scope": scope, "what": what}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return line


def read(path: Path, since: dt.date | None = None) -> tuple[list[dict], int]:
    """The events on or after `since` (a UTC day), oldest first, and how many lines could not be read."""
    if not path.is_file():
        return [], 0
    events, unreadable = [], 0
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            day = dt.datetime.fromisoformat(line["at"]).astimezone(dt.timezone.utc).date()
        except (ValueError, KeyError, TypeError):
            unreadable += 1
            continue
        if since is None or day >= since:
            events.append(line)
    return events, unreadable
