"""Accounts: one per person, with roles and an scrypt password hash. Signing in checks
the password; repeated failures lock the account for a while; every sign-in, failure
and lock-out is in the audit log. The CLI's sign-in session is a random token whose
SHA-256 the account keeps, so a session file from elsewhere does not sign anyone in."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from exam_center.db.models import Account
from exam_center.domain.errors import ExamCenterError, NotAllowed
from exam_center.services import audit
from exam_center.services.permissions import Actor, Role, require, signed_in

MAX_FAILURES = 5  # wrong passwords in a row before the account is locked
LOCK_MINUTES = 15
MIN_PASSWORD = 8
# scrypt: 16 MiB and ~50 ms a check here; enough to make guessing a stolen hash slow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_DUMMY = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


class SignInFailed(ExamCenterError):
    """Wrong name or password, a disabled or a locked account: said the same way for a
    name that does not exist, so the message does not tell which names do."""


@dataclass(frozen=True)
class AccountInfo:
    name: str
    display_name: str
    roles: tuple[Role, ...]
    disabled: bool
    locked_until: datetime | None
    failed_attempts: int
    created_at: datetime
    created_by: str

    @property
    def roles_label(self) -> str:
        return "、".join(r.chinese for r in self.roles)

    @property
    def status_label(self) -> str:
        if self.disabled:
            return "已停用 disabled"
        if self.locked_until is not None and _aware(self.locked_until) > datetime.now(UTC):
            return f"已锁定至 locked until {_aware(self.locked_until):%H:%M} UTC"
        return "正常 active"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 << 20
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 << 20,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _roles(values: list[str]) -> tuple[Role, ...]:
    return tuple(r for r in Role if r.value in values)


def _info(a: Account) -> AccountInfo:
    return AccountInfo(
        a.name,
        a.display_name,
        _roles(a.roles),
        a.disabled,
        a.locked_until,
        a.failed_attempts,
        a.created_at,
        a.created_by,
    )


def actor_of(account: Account) -> Actor:
    return Actor(account.name, account.display_name, frozenset(_roles(account.roles)))


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise NotAllowed(
            f"密码至少 {MIN_PASSWORD} 位 (a password needs {MIN_PASSWORD}+ characters)"
        )


def _find(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(Account.name == name)).first()


def _get(session: Session, name: str) -> Account:
    account = _find(session, name)
    if account is None:
        raise NotAllowed(f"没有此账户 no account named {name!r}")
    return account


def _parse_roles(roles: list[str]) -> list[str]:
    out: list[str] = []
    for value in roles:
        try:
            role = Role(value.strip().lower())
        except ValueError:
            known = ", ".join(f"{r.value} ({r.chinese})" for r in Role)
            raise NotAllowed(f"未知角色 unknown role {value!r}: one of {known}") from None
        if role.value not in out:
            out.append(role.value)
    if not out:
        raise NotAllowed("账户至少需要一个角色 (an account needs at least one role)")
    return out


def create_first_admin(session: Session, name: str, password: str, display_name: str = "") -> Actor:
    """The exam administrator `init` creates, on a workspace with no account yet."""
    if session.exec(select(Account.id).limit(1)).first() is not None:
        raise NotAllowed("此工作区已有账户 (this workspace already has accounts)")
    account = _new(session, name, password, display_name, [Role.ADMIN.value], by=name)
    return actor_of(account)


def _new(
    session: Session, name: str, password: str, display_name: str, roles: list[str], *, by: str
) -> Account:
    name = name.strip()
    if not name or any(c.isspace() for c in name) or len(name) > 64:
        raise NotAllowed(f"账户名不可用 account name {name!r}: 1-64 characters, no spaces")
    if _find(session, name) is not None:
        raise NotAllowed(f"账户已存在 an account named {name!r} exists")
    _check_new_password(password)
    account = Account(
        name=name,
        display_name=display_name.strip() or name,
        roles=_parse_roles(roles),
        password_hash=hash_password(password),
        created_at=datetime.now(UTC),
        created_by=by,
    )
    session.add(account)
    session.flush()
    return account


def add_account(
    session: Session, *, name: str, password: str, roles: list[str], display_name: str = ""
) -> AccountInfo:
    actor = require(session, "users.manage")
    account = _new(session, name, password, display_name, roles, by=actor.name)
    audit.record(
        session,
        action="users.add",
        name=account.name,
        roles=account.roles,
        display_name=account.display_name,
    )
    return _info(account)


def list_accounts(session: Session) -> list[AccountInfo]:
    return [_info(a) for a in session.exec(select(Account).order_by(col(Account.name)))]


def set_disabled(session: Session, *, name: str, disabled: bool) -> AccountInfo:
    actor = require(session, "users.manage")
    account = _get(session, name)
    if disabled and account.name == actor.name:
        raise NotAllowed("不能停用自己的账户 (you cannot disable your own account)")
    account.disabled = disabled
    if not disabled:
        account.failed_attempts, account.locked_until = 0, None
    account.session_hash = ""
    session.add(account)
    audit.record(session, action="users.disable" if disabled else "users.enable", name=name)
    return _info(account)


def set_roles(session: Session, *, name: str, roles: list[str]) -> AccountInfo:
    require(session, "users.manage")
    account = _get(session, name)
    account.roles = _parse_roles(roles)
    session.add(account)
    audit.record(session, action="users.roles", name=name, roles=account.roles)
    return _info(account)


def change_password(
    session: Session, *, name: str, new_password: str, old_password: str = ""
) -> None:
    """A person changes their own password (giving the old one); the administrator sets
    anyone's (and so unlocks it)."""
    actor = signed_in(session)
    account = _get(session, name)
    if account.name == actor.name and Role.ADMIN not in actor.roles:
        if not check_password(old_password, account.password_hash):
            raise NotAllowed("原密码不正确 (the current password is wrong)")
    elif account.name != actor.name:
        require(session, "users.manage")
    _check_new_password(new_password)
    account.password_hash = hash_password(new_password)
    account.failed_attempts, account.locked_until, account.session_hash = 0, None, ""
    session.add(account)
    audit.record(session, action="users.passwd", name=name)


def authenticate(session: Session, name: str, password: str) -> Actor:
    """The account's actor if the password is right and the account usable. A failure is
    recorded (and may lock the account) in this session: the caller commits it even
    though it raises (see `Workspace.sign_in`)."""
    account = _find(session, name)
    now = datetime.now(UTC)
    if account is None:
        check_password(password, _DUMMY)  # the same time as for a real name
        _failed(session, name, "unknown")
    elif account.disabled:
        _failed(session, name, "disabled")
    elif account.locked_until is not None and _aware(account.locked_until) > now:
        _failed(session, name, "locked")
    elif not check_password(password, account.password_hash):
        account.failed_attempts += 1
        locked = account.failed_attempts >= MAX_FAILURES
        if locked:
            account.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            account.failed_attempts = 0
        session.add(account)
        _failed(session, name, "password")
        if locked:
            audit.record_system(
                session, name, "account.locked", minutes=LOCK_MINUTES, after=MAX_FAILURES
            )
    else:
        if account.failed_attempts or account.locked_until:
            account.failed_attempts, account.locked_until = 0, None
            session.add(account)
        audit.record_system(session, name, "account.sign_in")
        return actor_of(account)
    raise SignInFailed(
        f"登录失败 sign-in failed for {name!r}: wrong name or password, or the account is "
        f"disabled or locked ({MAX_FAILURES} wrong passwords lock it for {LOCK_MINUTES} minutes)"
    )


def _failed(session: Session, name: str, why: str) -> None:
    audit.record_system(session, name, "account.sign_in_failed", why=why)


def open_cli_session(session: Session, name: str) -> str:
    """A new token for the account's CLI session (replacing any earlier one)."""
    account = _get(session, name)
    token = secrets.token_hex(32)
    account.session_hash = hashlib.sha256(token.encode()).hexdigest()
    session.add(account)
    return token


def resume_cli_session(session: Session, name: str, token: str) -> Actor | None:
    account = _find(session, name)
    if account is None or account.disabled or not account.session_hash:
        return None
    if not hmac.compare_digest(account.session_hash, hashlib.sha256(token.encode()).hexdigest()):
        return None
    return actor_of(account)


def close_cli_session(session: Session, name: str) -> None:
    account = _find(session, name)
    if account is not None and account.session_hash:
        account.session_hash = ""
        session.add(account)
