"""Pure detectors of guessable passwords (no database): names and their pinyin, birthdays and
date-like digits, repeated characters, sequential and keyboard runs, patterned strings.

p02.3.1: 密码设置不应是名字、生日,重复、顺序、规律数字等容易猜测的数字和字符串.
p04.3-b: 口令要无规则.
"""

import itertools
import re
from datetime import date

from pypinyin import Style, pinyin

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "!@#$%^&*()")
_SEPARATOR_BETWEEN_DIGITS = re.compile(r"(?<=\d)[-./\s_](?=\d)")
_MAX_READING_COMBINATIONS = 32


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _han_readings(name: str) -> list[list[str]]:
    """For each Chinese character of the name, its toneless pinyin readings (all of a polyphone,
    e.g. 单 -> dan, shan, chan), with ü written both as v and u."""
    readings = []
    for ch in name:
        if not _is_han(ch):
            continue
        options = []
        for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
            reading = reading.lower()
            for variant in (reading, reading.replace("v", "u"), reading.replace("ü", "v"), reading.replace("ü", "u")):
                if variant.isascii() and variant not in options:
                    options.append(variant)
        readings.append(options or [ch])
    return readings


def name_tokens(name: str) -> tuple[set[str], set[str]]:
    """(substrings the password may not contain, short initials it may not consist of).

    From a Chinese name: the name itself, its full pinyin (张伟 -> zhangwei), the given name
    first (weizhang), and its initials (zw). From Latin words: each word of 3+ letters, all of
    them joined, and their initials. Initials of 3+ letters are refused anywhere in the password;
    two-letter initials only as a whole run of letters (zw2024!…), or every password containing
    "la" would be refused for 李安."""
    name = (name or "").strip()
    substrings: set[str] = set()
    initials: set[str] = set()
    han = "".join(ch for ch in name if _is_han(ch))
    if han:
        substrings.add(han)
        readings = _han_readings(han)
        for combo in itertools.islice(itertools.product(*readings), _MAX_READING_COMBINATIONS):
            substrings.add("".join(combo))
            if len(combo) >= 2:
                substrings.add("".join(combo[1:] + combo[:1]))
                initials.add("".join(s[0] for s in combo))
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", name)]
    if words:
        substrings.update(w for w in words if len(w) >= 3)
        substrings.add("".join(words))
        if len(words) >= 2:
            initials.add("".join(w[0] for w in words))
    substrings = {s for s in substrings if len(s) >= 3 or any(_is_han(c) for c in s)}
    return substrings, initials


def contains_name(password: str, name: str) -> bool:
    lowered = password.lower()
    substrings, initials = name_tokens(name)
    if any(token in lowered for token in substrings):
        return True
    letter_runs = set(re.findall(r"[a-z]+", lowered))
    for token in initials:
        if len(token) >= 3 and token in lowered:
            return True
        if token in letter_runs:
            return True
    return False


def _digits_normalised(password: str) -> str:
    return _SEPARATOR_BETWEEN_DIGITS.sub("", password)


def birthday_forms(birth: date) -> set[str]:
    """YYYYMMDD, YYMMDD, MMDD, DDMM, DDMMYYYY, MMDDYYYY, DDMMYY, MMDDYY and unpadded Y/M/D."""
    y, m, d = f"{birth.year:04d}", f"{birth.month:02d}", f"{birth.day:02d}"
    forms = {y + m + d, y[2:] + m + d, m + d, d + m, d + m + y, m + d + y, d + m + y[2:], m + d + y[2:]}
    forms.add(f"{birth.year}{birth.month}{birth.day}")
    forms.add(f"{birth.year % 100:02d}{birth.month}{birth.day}")
    return {f for f in forms if len(f) >= 4}


def contains_birthday(password: str, birth: date | None) -> bool:
    if birth is None:
        return False
    normalised = _digits_normalised(password)
    return any(form in normalised for form in birthday_forms(birth))


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _looks_like_date8(s: str) -> bool:
    a, b, c = int(s[:4]), int(s[4:6]), int(s[6:])  # YYYYMMDD
    if 1900 <= a <= 2099 and _valid_date(a, b, c):
        return True
    y = int(s[4:])
    if 1900 <= y <= 2099:  # DDMMYYYY or MMDDYYYY
        first, second = int(s[:2]), int(s[2:4])
        return _valid_date(y, second, first) or _valid_date(y, first, second)
    return False


def _looks_like_date6(s: str) -> bool:
    a, b, c = int(s[:2]), int(s[2:4]), int(s[4:])
    # YYMMDD, DDMMYY, MMDDYY (two-digit years read as 20YY so 29 Feb of a leap year counts)
    return _valid_date(2000 + a, b, c) or _valid_date(2000 + c, b, a) or _valid_date(2000 + c, a, b)


def contains_date(password: str) -> bool:
    """Any 8-digit (YYYYMMDD, DDMMYYYY, MMDDYYYY, years 1900–2099) or 6-digit (YYMMDD, DDMMYY,
    MMDDYY) window of a run of digits that reads as a calendar date; separators (1990-05-12)
    are ignored."""
    for run in re.findall(r"\d{6,}", _digits_normalised(password)):
        for width, test in ((8, _looks_like_date8), (6, _looks_like_date6)):
            for i in range(len(run) - width + 1):
                if test(run[i:i + width]):
                    return True
    return False


def has_repeat(password: str, run: int) -> bool:
    """The same character ``run`` times in a row (888888, aaaa), case-insensitive."""
    return re.search(r"(.)\1{%d}" % (run - 1), password.lower(), re.DOTALL) is not None


def _same_class(window: str) -> bool:
    return window.isdigit() or (window.isascii() and window.isalpha())


def _constant_step(window: str, steps: set[int]) -> bool:
    diffs = {ord(b) - ord(a) for a, b in zip(window, window[1:])}
    return len(diffs) == 1 and diffs <= steps


def has_sequence(password: str, run: int) -> bool:
    """``run`` consecutive letters or digits going up or down by one (1234, abcd, 4321, dcba),
    or ``run`` neighbouring keys of a keyboard row either way (qwer, 7890, asdf, !@#$)."""
    lowered = password.lower()
    for i in range(len(lowered) - run + 1):
        window = lowered[i:i + run]
        if _same_class(window) and _constant_step(window, {1, -1}):
            return True
    for row in KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            for i in range(len(line) - run + 1):
                if line[i:i + run] in lowered:
                    return True
    return False


def has_pattern(password: str, run: int) -> bool:
    """Regular strings: a unit of two or three characters repeated to six or more (121212,
    abcabc), or ``run`` digits stepping by two (2468, 13579, 8642)."""
    lowered = password.lower()
    for match in re.finditer(r"(.{2,3})\1+", lowered, re.DOTALL):
        if len(match.group(0)) >= 6:
            return True
    for i in range(len(lowered) - run + 1):
        window = lowered[i:i + run]
        if window.isdigit() and _constant_step(window, {2, -2}):
            return True
    return False
