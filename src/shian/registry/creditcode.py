"""统一社会信用代码 (GB 32100-2015): normalisation and the check digit.

18 characters from the 31-character set 0-9 A-H J-N P-R T-U W-Y (no I, O, S, V, Z); the last one is
a check character over the first 17 with weights 3^i mod 31. Framework-free.
"""

import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28


class CreditCodeError(ValueError):
    """A credit code that is not one; the message says why, in Chinese."""


def normalise(text) -> str:
    """Full-width → half-width, upper case, no spaces or hyphens (exports add both)."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(ch for ch in s if not ch.isspace() and ch not in "-—").upper()


def check_char(first17: str) -> str:
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate(text) -> str:
    """The normalised code, or CreditCodeError naming what is wrong."""
    code = normalise(text)
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = [c for c in code if c not in VALUES]
    if bad:
        raise CreditCodeError(f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用I、O、S、V、Z）")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3—8位应为登记管理机关行政区划码（数字）")
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError(f"统一社会信用代码校验位错误：最后一位应为“{expected}”，实为“{code[17]}”")
    return code


def is_valid(text) -> bool:
    try:
        validate(text)
    except CreditCodeError:
        return False
    return True


def make_code(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    return first17 + check_char(first17)
