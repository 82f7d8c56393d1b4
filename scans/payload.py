"""The signed text inside a sheet's QR code.

Format (ASCII, fields separated by ":"):

    EC1:<exam code>:A<admission no>:<page>/<pages>:<LAYOUT HASH>:<SIGNATURE>
    EC1:<exam code>:S<spare serial>:<page>/<pages>:<LAYOUT HASH>:<SIGNATURE>

The signature is HMAC-SHA256, keyed with the exam's secret, over everything
before the last ":", truncated to 80 bits and written in unpadded RFC 4648
base32. With an upper-case exam code the whole text stays in the QR
alphanumeric alphabet, which is what keeps the symbol at version 4 (ECC M) or
smaller. `verify_payload` checks, in this order, the form, the exam, the
signature and the layout, and raises a specific `PayloadError` for the first
that fails; a payload that does not verify must never be graded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass

__all__ = [
    "BadSignature",
    "MalformedPayload",
    "PayloadError",
    "PayloadTooLong",
    "SheetPayload",
    "UnknownLayout",
    "WrongExam",
    "make_payload",
    "new_exam_secret",
    "parse_payload",
    "verify_payload",
]

MAGIC = "EC1"
SIGNATURE_BYTES = 10  # 80 bits: 16 base32 characters, no padding
QR_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
# Capacity of a version-4 symbol at error correction M, by encoding mode.
QR_V4_M_ALPHANUMERIC = 90
QR_V4_M_BYTES = 62

_EXAM_CODE = re.compile(r"[A-Za-z0-9._-]{1,32}")
_ADMISSION = re.compile(r"[A-Za-z0-9]{1,20}")
_PAYLOAD = re.compile(
    r"EC1:(?P<exam>[A-Za-z0-9._-]{1,32}):"
    r"(?:A(?P<adm>[A-Za-z0-9]{1,20})|S(?P<serial>[0-9]{1,9})):"
    r"(?P<page>[0-9]{1,3})/(?P<pages>[0-9]{1,3}):"
    r"(?P<hash>[0-9A-F]{16}):"
    r"(?P<sig>[A-Z2-7]{16})"
)


class PayloadError(Exception):
    """A QR payload that must not be graded; `payload` is the text as read."""

    def __init__(self, message: str, *, payload: str) -> None:
        super().__init__(message)
        self.payload = payload


class MalformedPayload(PayloadError):
    """Not a sheet payload at all (another QR code, a misread, a truncated text)."""


class WrongExam(PayloadError):
    """A genuine-looking sheet of another exam."""

    def __init__(self, message: str, *, payload: str, expected: str, found: str) -> None:
        super().__init__(message, payload=payload)
        self.expected = expected
        self.found = found


class BadSignature(PayloadError):
    """The HMAC does not match: the payload was altered or made without the exam's secret."""


class UnknownLayout(PayloadError):
    """Signed correctly but printed with a layout this exam does not know."""

    def __init__(self, message: str, *, payload: str, layout_hash: str) -> None:
        super().__init__(message, payload=payload)
        self.layout_hash = layout_hash


class PayloadTooLong(ValueError):
    """The payload would not fit a version-4 QR symbol at error correction M."""


@dataclass(frozen=True)
class SheetPayload:
    exam_code: str
    admission_no: str | None  # None on a spare sheet
    spare_serial: int | None  # None on a candidate's own sheet
    page: int
    pages: int
    layout_hash: str  # lower-case hex, as `SheetLayout.layout_hash`

    @property
    def is_spare(self) -> bool:
        return self.spare_serial is not None


def new_exam_secret() -> bytes:
    """A fresh random HMAC key for an exam (created at `init`, stored, never printed)."""
    return secrets.token_bytes(32)


def make_payload(
    *,
    exam_code: str,
    admission_no: str | None,
    spare_serial: int | None,
    page: int,
    pages: int,
    layout_hash: str,
    secret: bytes,
) -> str:
    """The signed QR text for one page. Exactly one of admission_no / spare_serial is given."""
    if not _EXAM_CODE.fullmatch(exam_code):
        raise ValueError(f"exam code {exam_code!r} must be 1-32 of A-Z a-z 0-9 . _ -")
    if (admission_no is None) == (spare_serial is None):
        raise ValueError("give exactly one of admission_no and spare_serial")
    if admission_no is not None and not _ADMISSION.fullmatch(admission_no):
        raise ValueError(f"admission number {admission_no!r} must be 1-20 letters or digits")
    if spare_serial is not None and not 0 <= spare_serial <= 999_999_999:
        raise ValueError(f"spare serial {spare_serial} must be 0..999999999")
    if not 1 <= page <= pages <= 999:
        raise ValueError(f"page {page} of {pages} is not a valid page number")
    if not re.fullmatch(r"[0-9a-fA-F]{16}", layout_hash):
        raise ValueError(f"layout hash {layout_hash!r} must be 16 hex digits")
    if not secret:
        raise ValueError("the exam secret is empty")
    who = f"A{admission_no}" if admission_no is not None else f"S{spare_serial}"
    body = f"{MAGIC}:{exam_code}:{who}:{page}/{pages}:{layout_hash.upper()}"
    text = f"{body}:{_sign(body, secret)}"
    _check_fits(text)
    return text


def parse_payload(text: str) -> SheetPayload:
    """Read the fields without checking the signature (use `verify_payload` to trust them)."""
    m = _PAYLOAD.fullmatch(text)
    if m is None:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise MalformedPayload(f"not an answer-sheet QR code: {shown!r}", payload=text)
    page, pages = int(m["page"]), int(m["pages"])
    if not 1 <= page <= pages:
        raise MalformedPayload(f"page {page} of {pages} is impossible", payload=text)
    return SheetPayload(
        exam_code=m["exam"],
        admission_no=m["adm"],
        spare_serial=int(m["serial"]) if m["serial"] is not None else None,
        page=page,
        pages=pages,
        layout_hash=m["hash"].lower(),
    )


def verify_payload(
    text: str, *, secret: bytes, exam_code: str, layout_hashes: Collection[str]
) -> SheetPayload:
    """Parse and check a payload against this exam; raise the first `PayloadError` that applies."""
    payload = parse_payload(text)
    if payload.exam_code != exam_code:
        raise WrongExam(
            f"sheet belongs to exam {payload.exam_code!r}, not {exam_code!r}",
            payload=text,
            expected=exam_code,
            found=payload.exam_code,
        )
    body, _, signature = text.rpartition(":")
    if not hmac.compare_digest(signature, _sign(body, secret)):
        raise BadSignature(
            "QR signature does not match: the code was altered or not issued for this exam",
            payload=text,
        )
    if payload.layout_hash not in {h.lower() for h in layout_hashes}:
        raise UnknownLayout(
            f"sheet was printed with layout {payload.layout_hash}, which this exam does not use",
            payload=text,
            layout_hash=payload.layout_hash,
        )
    return payload


def _sign(body: str, secret: bytes) -> str:
    digest = hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode("ascii")


def _check_fits(text: str) -> None:
    alphanumeric = all(c in QR_ALPHANUMERIC for c in text)
    limit = QR_V4_M_ALPHANUMERIC if alphanumeric else QR_V4_M_BYTES
    if len(text) > limit:
        hint = "" if alphanumeric else " (an upper-case exam code allows a longer one)"
        raise PayloadTooLong(
            f"payload of {len(text)} characters exceeds a version-4 QR code's {limit}{hint}"
        )
