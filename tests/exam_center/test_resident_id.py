from datetime import date

import pytest

from exam_center.domain.resident_id import check_character, gender_of, id_problem, mask_id

# The standard's own worked example (GB 11643-1999, appendix): 11010519491231002X.
VALID = "11010519491231002X"


def test_check_character_of_the_standards_example() -> None:
    assert check_character(VALID[:17]) == "X"
    assert id_problem(VALID) is None
    assert gender_of(VALID) == "女"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("110105194912310021", "check digit is 1, expected X"),
        ("11010519491231002", "18 characters"),
        ("1101051949123100AX", "17 digits"),
        ("110105194913310021", "not a date"),
        ("110105203001010010", "not plausible"),
    ],
)
def test_bad_ids_say_what_is_wrong(value: str, fragment: str) -> None:
    problem = id_problem(value, not_after=date(2022, 7, 10))
    assert problem is not None and fragment in problem


def test_every_single_digit_typo_is_caught() -> None:
    base = "32010219850317123"
    good = base + check_character(base)
    for i in range(17):
        for d in "0123456789":
            if d != good[i]:
                typo = good[:i] + d + good[i + 1 :]
                assert id_problem(typo) is not None, typo
    assert mask_id(good) == good[:6] + "********" + good[-4:]


def test_one_id_has_one_spelling() -> None:
    from exam_center.domain.resident_id import normalise_id

    full_width = "１１０１０５１９４９１２３１００２ｘ"  # an IME's full-width digits
    assert normalise_id(full_width) == VALID
    assert normalise_id(" 110105\u30001949 1231002x ") == VALID  # ideographic space too
    assert id_problem(normalise_id(full_width)) is None


@pytest.mark.parametrize(
    "value",
    [
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: isdigit() is true, NFKC keeps them
        "11010519491231002\u0662",
    ],
)
def test_only_ascii_digits_make_an_id(value: str) -> None:
    from exam_center.domain.resident_id import normalise_id

    problem = id_problem(normalise_id(value))
    assert problem is not None and "17 digits" in problem
