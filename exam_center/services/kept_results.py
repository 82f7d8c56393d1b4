"""The results documents (`results`, `awards`, `teams`, `national` --json) kept between
processes: each CLI command is a process of its own, and computing 10,000 candidates'
results again for each one cost more than the command itself.

They are kept in the workspace's `cache/` folder with the change stamp they were
computed at (`change_stamp`: the last audit entry and the tables' counts) and a
fingerprint of the program's code, and read back only while both are the same: any
change of the database, or another version of the program, computes them again. The
file is only a cache: deleting it costs one computation; one that cannot be read or
written is ignored. Finalised results are read from the sealed snapshot instead.

The file is MACed with the workspace key (its own purpose): someone who can write the
cache folder but not read the key cannot make `results` print altered figures; a file
whose MAC does not match is computed again, as if it were missing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

import exam_center
import grading
from exam_center.db.models import AuditEntry
from exam_center.domain.errors import WorkspaceError
from exam_center.services.change_stamp import Stamp
from exam_center.services.workspace_key import WorkspaceKey, key_path, read_key

PURPOSE = "kept-results"

_code: list[str] = []
_code_lock = threading.Lock()


def code_fingerprint() -> str:
    """The program's code as it is on disk (every module's size and time of change): a
    kept document from another version is never read."""
    with _code_lock:
        if not _code:
            h = hashlib.sha256()
            for package in (exam_center, grading):
                root = Path(package.__file__ or "").parent
                for path in sorted(root.rglob("*.py")):
                    st = path.stat()
                    h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
            _code.append(h.hexdigest()[:16])
        return _code[0]


def _file(session: Session) -> Path | None:
    folder = session.info.get("cache")
    if not isinstance(folder, Path):
        return None
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    if url in ("sqlite://", "sqlite:///:memory:"):
        return None
    genesis = session.exec(select(AuditEntry.hash).order_by(col(AuditEntry.id)).limit(1)).first()
    if genesis is None:
        return None
    name = hashlib.sha256(f"{url}#{genesis}".encode()).hexdigest()[:16]
    return folder / f"results-{name}.json"


def _key(session: Session) -> WorkspaceKey | None:
    """The workspace key if it exists already: keeping a cache never creates one."""
    cached = session.info.get("key")
    if isinstance(cached, WorkspaceKey):
        return cached
    try:
        return read_key(key_path(session))
    except (OSError, WorkspaceError):
        return None


def _stamp_text(stamp: Stamp) -> str:
    return json.dumps([code_fingerprint(), *stamp], default=str, separators=(",", ":"))


def read_kept(session: Session, stamp: Stamp) -> dict[str, Any] | None:
    """The four documents kept at this stamp by this code, or None."""
    path = _file(session)
    key = _key(session)
    if path is None or key is None:
        return None
    try:
        with path.open("rb") as f:
            stamp_line = f.readline()
            if stamp_line.decode("utf-8").rstrip("\n") != _stamp_text(stamp):
                return None
            mac = f.readline().decode("ascii").strip()
            body = f.read()
        if not hmac.compare_digest(mac, key.mac(PURPOSE, stamp_line + body)):
            return None
        kept = json.loads(body)
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) else None


def keep(session: Session, stamp: Stamp, documents: dict[str, Any]) -> None:
    """Keep the documents computed at `stamp` (written whole, then renamed into place)."""
    path = _file(session)
    key = _key(session)
    if path is None or key is None:
        return
    stamp_line = (_stamp_text(stamp) + "\n").encode()
    body = json.dumps(documents, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with part.open("wb") as f:
            f.write(stamp_line)
            f.write(key.mac(PURPOSE, stamp_line + body).encode() + b"\n")
            f.write(body)
        os.replace(part, path)
    except OSError:
        pass  # only a cache: the next command computes them again
