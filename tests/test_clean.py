"""Cell cleaning: the date forms of Chinese exports, full-width folding and code checks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from landing import bad_check, make_uscc
from stdnum.cn import uscc as stdnum_uscc

from extract import clean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", datetime(2026, 3, 2)),
        ("2026/3/2", datetime(2026, 3, 2)),
        ("2026年3月2日", datetime(2026, 3, 2)),
        ("20260302", datetime(2026, 3, 2)),
        ("２０２６－０３－０２", datetime(2026, 3, 2)),
        ("  2026-03-02 14:05:09 ", datetime(2026, 3, 2, 14, 5, 9)),
        ("2026/3/2 14:05", datetime(2026, 3, 2, 14, 5)),
        ("2026-03-02T14:05:09", datetime(2026, 3, 2, 14, 5, 9)),
        ("2026年3月2日 8时5分", datetime(2026, 3, 2, 8, 5)),
        ("46083", datetime(2026, 3, 2)),
        ("46083.5", datetime(2026, 3, 2, 12)),
    ],
)
def test_date_forms(text: str, expected: datetime) -> None:
    assert clean.parse_datetime(text) == expected
    assert clean.parse_date(text) == expected.date()


@pytest.mark.parametrize("text", ["2026-13-45", "昨天", "2026-02-30", "3/2/2026", "2026-03-02 25:00"])
def test_bad_dates_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(clean.CellError, match=r"日期|时间"):
        clean.parse_date(text)


def test_uscc_normalised_and_checked() -> None:
    code = make_uscc(12345)
    assert stdnum_uscc.is_valid(code)
    assert clean.clean_uscc(f" {code.lower()[:9]} {code.lower()[9:]} ") == code
    fullwidth = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    assert clean.clean_uscc(fullwidth) == code
    with pytest.raises(clean.CellError, match="校验位"):
        clean.clean_uscc(bad_check(code))
    with pytest.raises(clean.CellError, match="格式"):
        clean.clean_uscc(code[:17])


def test_uscc_organisation_code_check_is_verified() -> None:
    """A code whose final check is right but whose organisation-code check (pos 17) is wrong fails."""
    code = make_uscc(777)
    wrong17 = code[:16] + ("1" if code[16] != "1" else "2")
    forged = wrong17 + clean.uscc_check_char(wrong17)
    with pytest.raises(clean.CellError, match="组织机构代码"):
        clean.clean_uscc(forged)


def test_known_public_uscc_is_valid() -> None:
    assert clean.clean_uscc("91110000802100433B") == "91110000802100433B"


@pytest.mark.parametrize(
    "text", ["粤ICP备2024012345号-1", "京ICP证030173号", "浙ICP备12345678号", " 沪ICP备2023000001号-12 "]
)
def test_icp_numbers(text: str) -> None:
    assert clean.clean_icp(text) == text.strip()


@pytest.mark.parametrize("text", ["ICP备2024012345号", "粤ICP备123号", "京公网安备11010802044671号"])
def test_bad_icp_numbers(text: str) -> None:
    with pytest.raises(clean.CellError):
        clean.clean_icp(text)


def test_numbers_fold_full_width_and_separators() -> None:
    assert clean.parse_number("１２，３４５.５") == 12345.5
    assert clean.parse_number("1,000") == 1000
    assert clean.parse_integer(" ３ ") == 3
    with pytest.raises(clean.CellError):
        clean.parse_integer("2.5")


def test_personal_data_masked_in_free_text() -> None:
    text = "我的电话13812345678，身份证110101199001011234，邮箱xh.zhang@example.com，请联系"
    masked = clean.mask_free_text(text)
    assert "13812345678" not in masked and "110101199001011234" not in masked and "xh.zhang" not in masked
    assert "138****5678" in masked and "110101********1234" in masked and "x***@example.com" in masked


def test_date_type() -> None:
    assert isinstance(clean.parse_date("2026-03-02"), date)
