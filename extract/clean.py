"""Value cleaning for delivered cells: folding, dates, numbers and code checks."""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from datetime import date, datetime, timedelta

from stdnum.cn import uscc as stdnum_uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ICP_PATTERN = re.compile(
    r"^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕甘陇青宁新]"
    r"ICP(备(\d{8}|\d{10})号(-\d+)?|证\d{6}号)$"
)
_REGION = re.compile(r"^\d{6}$")
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)"),
)
_TIME = re.compile(r"^[T\s]*(\d{1,2})[:时](\d{1,2})(?:分|:)?(?:(\d{1,2})秒?)?(?:\.\d+)?$")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# what any of the three needs: eleven digits in a row, or an @ (one scan spares most texts three)
_MAYBE_PERSONAL = re.compile(r"\d{11}|@")
# the common export form, read by the standard library; anything else takes the patterns above
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")


class CellError(ValueError):
    """A cell that cannot be accepted; the message is the Chinese reason."""


def fold(value: str) -> str:
    """Full-width to half-width (NFKC) and trim, for codes, numbers and dates."""
    return unicodedata.normalize("NFKC", value).strip()


def parse_date(value: str) -> date:
    """Parse the date forms of Chinese exports; time of day is ignored."""
    return parse_datetime(value).date()


def parse_datetime(value: str) -> datetime:
    """Parse 2026-03-02, 2026/3/2, 2026年3月2日, 20260302 or an Excel serial, with or without time."""
    text = fold(value)
    if _ISO.fullmatch(text):
        with suppress(ValueError):  # an impossible date or time is worded below
            return datetime.fromisoformat(text)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # Excel serial day number
        serial = float(text)
        return datetime.combine(_EXCEL_EPOCH, datetime.min.time()) + timedelta(days=serial)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise CellError(f"日期无效：{value}") from exc
        rest = text[m.end() :].strip()
        if not rest:
            return datetime.combine(day, datetime.min.time())
        t = _TIME.match(rest)
        if not t:
            break
        try:
            return datetime(day.year, day.month, day.day, int(t[1]), int(t[2]), int(t[3] or 0))
        except ValueError as exc:
            raise CellError(f"时间无效：{value}") from exc
    raise CellError(f"日期无法识别：{value}")


def parse_number(value: str) -> float:
    text = fold(value).replace(",", "").replace("，", "")
    try:
        return float(text)
    except ValueError as exc:
        raise CellError(f"数值无法识别：{value}") from exc


def parse_integer(value: str) -> int:
    number = parse_number(value)
    if number != int(number):
        raise CellError(f"应为整数：{value}")
    return int(number)


def _org_code_valid(code: str) -> bool:
    """GB 11714 organisation code check character (USCC positions 9-17)."""
    try:
        total = sum(_ORG_CHARS.index(c) * w for c, w in zip(code[:8], _ORG_WEIGHTS, strict=True))
    except ValueError:
        return False
    check = 11 - total % 11
    return code[8] == {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_char(code17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def clean_uscc(value: str) -> str:
    """Normalise a USCC (case, spaces, full width) and verify both check characters."""
    code = re.sub(r"\s+", "", fold(value)).upper()
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        raise CellError(f"统一社会信用代码格式错误：{value}")
    if code[0].isdigit() and not stdnum_uscc.is_valid(code):
        raise CellError(f"统一社会信用代码校验位错误：{value}")
    if uscc_check_char(code[:17]) != code[17]:
        raise CellError(f"统一社会信用代码校验位错误：{value}")
    if not _org_code_valid(code[8:17]):
        raise CellError(f"统一社会信用代码中组织机构代码校验位错误：{value}")
    return code


def clean_region(value: str) -> str:
    code = fold(value)
    if not _REGION.match(code):
        raise CellError(f"行政区划代码应为6位数字：{value}")
    return code


def clean_icp(value: str) -> str:
    code = re.sub(r"\s+", "", fold(value))
    if not ICP_PATTERN.match(code):
        raise CellError(f"网站备案号格式错误：{value}")
    return code


def clean_url(value: str) -> str:
    return fold(value).lower() if "://" not in value else fold(value)


def mask_phone(value: str) -> str:
    digits = fold(value)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


def mask_email(value: str) -> str:
    user, _, host = fold(value).partition("@")
    return (user[:1] + "***@" + host) if host else "***"


def mask_name(value: str) -> str:
    text = value.strip()
    return text[:1] + "*" * max(len(text) - 1, 1)


def mask_free_text(value: str) -> str:
    """Mask mobile numbers, ID numbers and e-mail addresses written inside free text."""
    if not _MAYBE_PERSONAL.search(value):
        return value
    return _EMAIL.sub(r"\1***@\2", _ID_NUMBER.sub(r"\1********\2", _MOBILE.sub(r"\1****\2", value)))
