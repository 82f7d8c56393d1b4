"""The workspace key: a secret held in a 0600 file beside the database, never in it.

It keys the audit chain and the seal of finalised results (HMAC-SHA256), so someone who
can write the database but cannot read this file cannot rewrite history unseen, and it
holds the answer sheets' QR secret, which used to sit in plain hex in the `exam` table.

A workspace made before the key existed is adopted the first time it is opened: the QR
secret moves from the database into a new key file (the printed sheets stay valid), the
column is cleared, and the audit entries written so far are counted as the unkeyed
prefix of the chain (`legacy_entries`), anchored by the first keyed entry after them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from exam_center.db.models import AuditEntry, Exam
from exam_center.domain.errors import WorkspaceError

KEY_FILE = "exam-center.key"
KEY_ACTION = "workspace.key"  # the audit entry naming the key (its id, not the key)


class KeyMissing(WorkspaceError):
    """The database has a sealed history but the key file is not where it should be."""


class KeyUnreadable(WorkspaceError):
    """A key file that is not one this program wrote."""


@dataclass(frozen=True)
class WorkspaceKey:
    path: Path
    master: bytes
    qr_secret: bytes
    legacy_entries: int  # audit entries written before the key existed (unkeyed)

    @property
    def key_id(self) -> str:
        """A public name of the key (it reveals nothing of it): recorded in the audit log,
        so a replaced key file is told apart from an edited entry."""
        return self.mac("key-id", b"")[:16]

    def mac(self, purpose: str, data: bytes) -> str:
        sub = hmac.new(self.master, f"exam-center/{purpose}".encode(), hashlib.sha256).digest()
        return hmac.new(sub, data, hashlib.sha256).hexdigest()

    def mac_json(self, purpose: str, value: Any) -> str:
        return self.mac(purpose, canonical(value))


def canonical(value: Any) -> bytes:
    """The one byte form a value is MACed in (keys sorted, no spaces, UTF-8)."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def key_path(session: Session) -> Path:
    path = session.info.get("key_file")
    if path is None:
        raise WorkspaceError("this session has no workspace key file (open it through Workspace)")
    return Path(path)


def read_key(path: Path) -> WorkspaceKey:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return WorkspaceKey(
            path,
            bytes.fromhex(doc["key"]),
            bytes.fromhex(doc["qr_secret"]),
            int(doc.get("legacy_entries", 0)),
        )
    except FileNotFoundError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyUnreadable(
            f"工作区密钥文件无法读取 the key file {path} is damaged: {exc}"
        ) from exc


def write_key(path: Path, *, qr_secret: bytes, legacy_entries: int) -> WorkspaceKey:
    """Create the key file, 0600, refusing to overwrite one (O_EXCL): a key is never
    replaced by the program."""
    doc = {
        "format": "exam-center workspace key 1",
        "key": secrets.token_hex(32),
        "qr_secret": qr_secret.hex(),
        "legacy_entries": legacy_entries,
        "note": "keep secret; back it up with the workspace; without it the seal cannot be checked",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return read_key(path)


def workspace_key(session: Session) -> WorkspaceKey:
    """The key of the session's workspace, created for a fresh database or adopted from a
    legacy one (both recorded in the audit log); KeyMissing when it was lost."""
    cached = session.info.get("key")
    if isinstance(cached, WorkspaceKey):
        return cached
    path = key_path(session)
    exam = session.exec(select(Exam)).first()
    try:
        key = read_key(path)
    except FileNotFoundError:
        entries = session.exec(select(func.count()).select_from(AuditEntry)).one()
        legacy_secret = exam.secret_hex if exam is not None else ""
        if exam is not None and not legacy_secret:
            raise KeyMissing(
                f"工作区密钥文件缺失 the workspace key {path} is missing: this exam's audit log, "
                "results seal and sheet QR secret depend on it. Restore it from the backup "
                "(or point EXAM_CENTER_KEY_FILE at the removable medium holding it)."
            ) from None
        qr = bytes.fromhex(legacy_secret) if legacy_secret else secrets.token_bytes(32)
        key = write_key(path, qr_secret=qr, legacy_entries=entries)
        session.info["key"] = key
        _announce(session, key, adopted=entries > 0 or bool(legacy_secret))
    else:
        fresh = exam is None and not session.exec(select(AuditEntry.id).limit(1)).first()
        if fresh:
            # A key file kept from before (another terminal's copy, or a folder reused):
            # an empty database starts its chain under it, saying so.
            if key.legacy_entries:
                raise KeyUnreadable(
                    f"the key file {path} belongs to an older workspace (it counts "
                    f"{key.legacy_entries} unkeyed entries): move it away for a new exam"
                )
            session.info["key"] = key
            _announce(session, key, adopted=False)
    session.info["key"] = key
    if exam is not None and exam.secret_hex:
        _clear_legacy_secret(session, exam, key)
    return key


def _clear_legacy_secret(session: Session, exam: Exam, key: WorkspaceKey) -> None:
    if bytes.fromhex(exam.secret_hex) != key.qr_secret:
        raise KeyUnreadable(
            f"the key file {key.path} holds a different QR secret from this exam's database: "
            "it belongs to another workspace"
        )
    exam.secret_hex = ""
    session.add(exam)
    session.flush()


def _announce(session: Session, key: WorkspaceKey, *, adopted: bool) -> None:
    from exam_center.services import audit
    from exam_center.services.permissions import SYSTEM
    from exam_center.services.sealing import legacy_lock_seals

    # A legacy workspace's finalisings and re-openings are sealed as they stand now.
    locks = legacy_lock_seals(session, key) if adopted else {}

    audit.record_system(
        session,
        SYSTEM,
        KEY_ACTION,
        key_id=key.key_id,
        legacy_entries=key.legacy_entries,
        file=str(key.path),
        locks=locks,
        note=(
            "工作区密钥已建立；二维码密钥已移出数据库 (key file made; the QR secret moved out "
            "of the database; the entries before this one are unkeyed)"
            if adopted
            else "工作区密钥已建立 (key file made)"
        ),
    )


def adopt_key(session: Session) -> None:
    """Load (or make, or adopt) the key when a workspace is opened on a database that
    holds an exam, so the QR secret leaves a legacy database at once."""
    if session.exec(select(Exam.id)).first() is not None:
        workspace_key(session)
