"""The detectors of guessable passwords, each with passing and failing examples (p02.3.1, p04.3-b)."""

from datetime import date

import pytest

from xinan.identity import password_patterns as pp


@pytest.mark.parametrize("password", ["zhangwei2024!", "ZhangWei#91x", "xx-ZHANGWEI-9", "weizhang#77q", "zw7#q9k",
                                      "Zw!9k3q", "张伟9k3q#x"])
def test_name_and_pinyin_refused(password):
    """p02.3.1: 张伟 -> zhangwei (any case, anywhere), weizhang, initials zw as a letter run, 张伟 itself."""
    assert pp.contains_name(password, "张伟")


@pytest.mark.parametrize("password", ["Xa9#kq2!Lm7z", "Kzwq7#m2", "zhang9#Kq", "Wei#9kq3x"])
def test_name_check_passes_unrelated_passwords(password):
    """Initials only as a whole run of letters; a single syllable is not the name."""
    assert not pp.contains_name(password, "张伟")


def test_name_pinyin_of_polyphones_and_latin_names():
    assert pp.contains_name("shanxue#9k", "单雪") and pp.contains_name("danxue#9k", "单雪")
    assert pp.contains_name("lvbu#99kq", "吕布") and pp.contains_name("lubu#99kq", "吕布")
    assert pp.contains_name("Smith#2kq9", "Alice Smith") and pp.contains_name("as#7kq9x", "Alice Smith")
    assert not pp.contains_name("Xa9#kq2!Lm7z", "Alice Smith")


def test_three_letter_initials_refused_anywhere():
    assert pp.contains_name("k9oyx#q2", "欧阳修")  # oyx
    assert not pp.contains_name("k9oyq#x2", "欧阳修")


@pytest.mark.parametrize("password", ["Kq#19900512", "Kq#900512x", "Kq#0512x9m", "Kq#1205x9m", "x1990-05-12#K", "Kq#12051990", "Kq#1990512"])
def test_birthday_forms_refused(password):
    """p02.3.1: 生日 in YYYYMMDD, YYMMDD, MMDD, DDMM, DDMMYYYY, with separators, unpadded."""
    assert pp.contains_birthday(password, date(1990, 5, 12))


def test_birthday_absent_passes():
    assert not pp.contains_birthday("Xa9#kq2!Lm7z", date(1990, 5, 12))
    assert not pp.contains_birthday("Kq#19900512", None)


@pytest.mark.parametrize("password", ["Kq#20240229x", "Kq#240229x", "x31121999#", "Kq#2001-10-01"])
def test_date_like_digits_refused(password):
    """Any 8- or 6-digit run that reads as a date (p02.3.1)."""
    assert pp.contains_date(password)


@pytest.mark.parametrize("password", ["Xa9#kq2!Lm7z", "Kq#123456x", "Kq#987654x", "Kq#20231399"])
def test_non_dates_pass(password):
    assert not pp.contains_date(password)


@pytest.mark.parametrize("password", ["Kq#888888", "aaaaaa#K9", "Kq9#AaAa"])
def test_repeats_refused(password):
    assert pp.has_repeat(password, 4)


def test_repeats_below_threshold_pass():
    assert not pp.has_repeat("Kq9#aaa8x", 4)
    assert pp.has_repeat("Kq9#aaa8x", 3)


@pytest.mark.parametrize("password", ["Kq#123456", "abcdef#K9", "Kq#654321", "Kq#FEDC9x", "qwerty#K9", "Kq#7890m", "9#asdf#Kq", "Kq!@#$9x"])
def test_sequences_refused(password):
    assert pp.has_sequence(password, 4)


@pytest.mark.parametrize("password", ["Xa9#kq2!Lm7z", "Kq#1235x9", "abce#K9m"])
def test_non_sequences_pass(password):
    assert not pp.has_sequence(password, 4)


@pytest.mark.parametrize("password", ["Kq#121212", "abcabc#K9", "Kq#2468x", "Kq#97531x"])
def test_patterns_refused(password):
    assert pp.has_pattern(password, 4)


@pytest.mark.parametrize("password", ["Xa9#kq2!Lm7z", "Kq#1212x9", "Kq#246x9"])
def test_non_patterns_pass(password):
    assert not pp.has_pattern(password, 4)
