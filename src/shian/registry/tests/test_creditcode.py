import pytest

from shian.registry import creditcode
from shian.registry.creditcode import CreditCodeError, validate


def test_it_accepts_a_published_valid_code():
    assert validate("91350100M000100Y43") == "91350100M000100Y43"


def test_it_accepts_lower_case_and_returns_upper_case():
    assert validate("91350100m000100y43") == "91350100M000100Y43"


def test_it_accepts_full_width_characters_and_spaces():
    assert validate("９１３５０１００Ｍ０００１００Ｙ４３ ") == "91350100M000100Y43"


def test_it_names_the_wrong_check_digit():
    with pytest.raises(CreditCodeError, match="校验位错误：最后一位应为“3”，实为“4”"):
        validate("91350100M000100Y44")


def test_it_rejects_letters_outside_the_charset():
    with pytest.raises(CreditCodeError, match="不允许的字符“I”"):
        validate("91350100I000100Y43")


def test_it_rejects_a_wrong_length():
    with pytest.raises(CreditCodeError, match="应为18位，实际为17位"):
        validate("91350100M000100Y4")


def test_every_single_character_change_is_caught():
    code = "91510722MA6B8XKP5L"[:17]
    good = creditcode.make_code(code)
    assert creditcode.is_valid(good)
    for i in range(17):
        for c in creditcode.CHARSET:
            if c != good[i]:
                assert not creditcode.is_valid(good[:i] + c + good[i + 1 :])
