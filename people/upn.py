"""The unique pupil number (UPN): one check, used by every path that creates or matches a child
(the child form, the roll import, the attendance and grade imports, the demo and bench seeds and
the test factories).

Source: the DfE's UPN data standard (GovTalk "Unique Pupil Number" 2.0, and the school census
validation 1510 "UPN invalid (wrong check letter at character 1)"):

- 13 characters. Characters 2–13 are the LA number (3 digits), the establishment number (4), the
  last two digits of the academic year of issue (2) and a serial (3 digits); a *temporary* UPN has
  a 2-digit serial and ends in a letter.
- Character 1 is a check letter: multiply character *n* (n = 2…13) by its position *n*, a final
  letter of a temporary UPN counting as its value in the table below; add; take the remainder on
  division by 23; map 0–22 to A B C D E F G H J K L M N P Q R T U V W X Y Z (no I, O or S).
- I, O and S are used neither as the check letter nor as the final letter of a temporary UPN.

Worked example (from the issue): ``Z801200001001`` — 8×2 + 1×4 + 2×5 + 1×10 + 1×13 = 53,
53 mod 23 = 7 → H, so the UPN should be ``H801200001001``.
"""

import re

from django.core.exceptions import ValidationError

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # value 0..22: A–Z without I, O and S
_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def normalise(value: str | None) -> str:
    """Upper case, with spaces and hyphens removed (as MIS reports sometimes print it): ``str``.
    An empty or ``None`` value gives ``""`` (no UPN)."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def check_letter(upn: str) -> str:
    """The check letter for characters 2–13 of ``upn`` (13 characters; the first is ignored).

    Raises ``ValueError`` when characters 2–12 are not digits or character 13 is not a digit or an
    allowed letter."""
    body = upn[1:13]
    if len(body) != 12 or not body[:11].isdigit():
        raise ValueError("characters 2 to 12 must be digits")
    last = body[11]
    if last.isdigit():
        last_value = int(last)
    elif last in LETTERS:
        last_value = LETTERS.index(last)
    else:
        raise ValueError("character 13 must be a digit or a letter other than I, O and S")
    total = sum(int(ch) * position for position, ch in enumerate(body[:11], start=2))
    total += last_value * 13
    return LETTERS[total % 23]


def problem(value: str) -> str | None:
    """Why ``value`` (already normalised) is not a valid UPN, in words a school office would use,
    or ``None`` when it is valid. An empty value has no problem (a child may have no UPN)."""
    if not value:
        return None
    if len(value) != 13:
        return f"“{value}” is not a UPN: a UPN has 13 characters, this has {len(value)}."
    if not _SHAPE.match(value):
        return (
            f"“{value}” is not a UPN: it is a check letter, then 11 digits, then a digit "
            "(or, for a temporary UPN, a letter)."
        )
    if value[12] in "IOS":
        return f"“{value}” is not a UPN: a temporary UPN never ends in I, O or S."
    expected = check_letter(value)
    if value[0] != expected:
        return (
            f"“{value}” has the wrong check letter: the DfE's check gives {expected} "
            f"({expected}{value[1:]})."
        )
    return None


def is_temporary(upn: str) -> bool:
    """A temporary UPN ends in a letter (the school replaces it when the permanent one comes)."""
    return bool(upn) and upn[-1].isalpha()


def clean(value: str | None) -> str:
    """Normalise and check: returns the UPN to store (``""`` for none). Raises ``ValidationError``
    with the reason. The model field, the forms and every import call this."""
    upn = normalise(value)
    reason = problem(upn)
    if reason:
        raise ValidationError(reason, code="upn")
    return upn


def validate(value: str) -> None:
    """A model-field validator: the stored value must already be normalised and valid."""
    if value and normalise(value) != value:
        raise ValidationError("Store the UPN in capitals without spaces.", code="upn")
    clean(value)


def make(la: int, estab: int, year: int, serial: int | str) -> str:
    """A valid UPN from its parts (for seeds and tests): ``la`` 0–999, ``estab`` 0–9999,
    ``year`` 0–99, ``serial`` 0–999, or a 2-digit number and a letter (str, e.g. ``"07A"``) for a
    temporary UPN."""
    serial_text = serial if isinstance(serial, str) else f"{serial:03d}"
    body = f"{la:03d}{estab:04d}{year:02d}{serial_text}"
    return check_letter("?" + body) + body
