"""scans.payload: round trips, each kind of rejection, and the QR size budget."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scans.payload import (
    QR_ALPHANUMERIC,
    BadSignature,
    MalformedPayload,
    PayloadError,
    PayloadTooLong,
    SheetPayload,
    UnknownLayout,
    WrongExam,
    make_payload,
    new_exam_secret,
    parse_payload,
    verify_payload,
)

SECRET = bytes(range(32))
HASH = "e7d340a0849a1259"


def candidate(**overrides: object) -> str:
    args: dict[str, object] = {
        "exam_code": "JS2022",
        "admission_no": "202207013",
        "spare_serial": None,
        "page": 1,
        "pages": 2,
        "layout_hash": HASH,
        "secret": SECRET,
    }
    args.update(overrides)
    return make_payload(**args)  # type: ignore[arg-type]


def verify(text: str, **overrides: object) -> SheetPayload:
    args: dict[str, object] = {"secret": SECRET, "exam_code": "JS2022", "layout_hashes": {HASH}}
    args.update(overrides)
    return verify_payload(text, **args)  # type: ignore[arg-type]


def test_candidate_payload_round_trips() -> None:
    text = candidate()
    assert verify(text) == SheetPayload("JS2022", "202207013", None, 1, 2, HASH)
    assert parse_payload(text) == verify(text)
    assert not verify(text).is_spare


def test_spare_payload_round_trips_without_a_candidate() -> None:
    text = candidate(admission_no=None, spare_serial=17, page=1, pages=1)
    got = verify(text)
    assert got.admission_no is None and got.spare_serial == 17 and got.is_spare


def test_payload_is_short_and_qr_alphanumeric_so_the_code_stays_small() -> None:
    text = candidate(exam_code="JS2022-PROVINCIAL")
    assert set(text) <= QR_ALPHANUMERIC
    assert len(text) <= 90  # version 4 at ECC M holds 90 alphanumeric characters


def test_tampered_fields_fail_the_signature() -> None:
    text = candidate()
    for forged in (
        text.replace("A202207013", "A202207014"),
        text.replace(":1/2:", ":2/2:"),
        text[:-1] + ("A" if text[-1] != "A" else "B"),
    ):
        with pytest.raises(BadSignature, match="signature"):
            verify(forged)


def test_a_payload_made_with_another_secret_is_rejected() -> None:
    text = candidate(secret=new_exam_secret())
    with pytest.raises(BadSignature) as err:
        verify(text)
    assert err.value.payload == text


def test_another_exams_sheet_is_named_as_such() -> None:
    text = candidate(exam_code="ZJ2022")
    with pytest.raises(WrongExam) as err:
        verify(text)
    assert (err.value.expected, err.value.found) == ("JS2022", "ZJ2022")
    assert "ZJ2022" in str(err.value)


def test_a_layout_the_exam_does_not_use_is_unknown() -> None:
    text = candidate(layout_hash="0123456789abcdef")
    with pytest.raises(UnknownLayout) as err:
        verify(text)
    assert err.value.layout_hash == "0123456789abcdef"
    assert verify(text, layout_hashes={HASH, "0123456789ABCDEF"}).layout_hash == "0123456789abcdef"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "hello",
        "https://example.org/JS2022",
        "EC1:JS2022:A202207013:1/2:E7D340A0849A1259",  # no signature
        "EC1:JS2022:A202207013:3/2:E7D340A0849A1259:AAAAAAAAAAAAAAAA",  # page 3 of 2
        "EC1:JS2022:A202207013:0/2:E7D340A0849A1259:AAAAAAAAAAAAAAAA",
        "EC1:JS2022:X202207013:1/2:E7D340A0849A1259:AAAAAAAAAAAAAAAA",
        "EC2:JS2022:A202207013:1/2:E7D340A0849A1259:AAAAAAAAAAAAAAAA",
        "EC1:JS2022:A202207013:1/2:E7D340A0849A1259:aaaaaaaaaaaaaaaa",
        "\x00\xff binary",
    ],
)
def test_garbage_is_malformed(garbage: str) -> None:
    with pytest.raises(MalformedPayload, match=r"not an answer-sheet QR code|impossible"):
        verify(garbage)


def test_errors_share_one_base_class() -> None:
    for cls in (MalformedPayload, WrongExam, BadSignature, UnknownLayout):
        assert issubclass(cls, PayloadError)


def test_a_payload_too_long_for_the_qr_is_refused_when_made() -> None:
    with pytest.raises(PayloadTooLong, match="version-4"):
        candidate(exam_code="js2022-provincial-selection")  # lower case: byte mode, 62 max


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"exam_code": "JS:2022"}, "exam code"),
        ({"admission_no": None}, "exactly one"),
        ({"spare_serial": 3}, "exactly one"),
        ({"admission_no": "2022 07"}, "admission number"),
        ({"page": 3, "pages": 2}, "page"),
        ({"layout_hash": "xyz"}, "layout hash"),
        ({"secret": b""}, "secret"),
    ],
)
def test_bad_arguments_are_refused(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        candidate(**overrides)


@settings(max_examples=100, deadline=None)
@given(
    exam=st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,15}", fullmatch=True),
    who=st.one_of(st.from_regex(r"[0-9]{6,12}", fullmatch=True), st.integers(0, 999_999_999)),
    pages=st.integers(1, 20),
    data=st.data(),
    layout_hash=st.from_regex(r"[0-9a-f]{16}", fullmatch=True),
    secret=st.binary(min_size=1, max_size=64),
)
def test_any_valid_payload_round_trips(
    exam: str,
    who: str | int,
    pages: int,
    data: st.DataObject,
    layout_hash: str,
    secret: bytes,
) -> None:
    page = data.draw(st.integers(1, pages))
    adm = who if isinstance(who, str) else None
    serial = who if isinstance(who, int) else None
    text = make_payload(
        exam_code=exam,
        admission_no=adm,
        spare_serial=serial,
        page=page,
        pages=pages,
        layout_hash=layout_hash,
        secret=secret,
    )
    got = verify_payload(text, secret=secret, exam_code=exam, layout_hashes=[layout_hash])
    assert got == SheetPayload(exam, adm, serial, page, pages, layout_hash)
    assert len(text) <= 90 and set(text) <= QR_ALPHANUMERIC
