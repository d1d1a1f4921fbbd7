"""Attendance arithmetic for every code group: attendance % = attended ÷ possible sessions."""

import pytest

from behaviour import codes
from behaviour.codes import Meaning, Tally

GROUP_MEANINGS = {
    codes.PRESENT: Meaning.PRESENT,
    codes.ACTIVITY: Meaning.APPROVED_ACTIVITY,
    codes.LEAVE: Meaning.AUTHORISED,
    codes.OTHER_AUTH: Meaning.AUTHORISED,
    codes.UNAUTH: Meaning.UNAUTHORISED,
    codes.UNAVOIDABLE: Meaning.NOT_POSSIBLE,
    codes.ADMIN: Meaning.NOT_POSSIBLE,
}
DOMAIN_CODES = (
    "/ \\ L K V P W B C1 M J1 S C2 C T R I E G U O N Q Y1 Y2 Y3 Y4 Y5 Y6 Y7 X D Z #".split()
)


def test_every_dfe_code_in_the_domain_reference_is_in_the_table_and_no_other():
    assert sorted(codes.CODES) == sorted(DOMAIN_CODES)


@pytest.mark.parametrize("code", DOMAIN_CODES)
def test_each_code_counts_as_its_group_says(code):
    c = codes.CODES[code]
    assert c.meaning == GROUP_MEANINGS[c.group]
    t = Tally(by_code={})
    t.add(code)
    if c.meaning in (Meaning.PRESENT, Meaning.APPROVED_ACTIVITY):
        assert (t.possible, t.attended, t.authorised, t.unauthorised) == (1, 1, 0, 0)
        assert t.percent == 100.0
    elif c.meaning == Meaning.AUTHORISED:
        assert (t.possible, t.attended, t.authorised, t.unauthorised) == (1, 0, 1, 0)
        assert t.percent == 0.0
    elif c.meaning == Meaning.UNAUTHORISED:
        assert (t.possible, t.attended, t.authorised, t.unauthorised) == (1, 0, 0, 1)
    else:
        assert (t.possible, t.not_possible, t.percent) == (0, 1, None)


def test_lates_before_close_attend_and_after_close_are_unauthorised():
    t = Tally(by_code={})
    for code in ["L", "U", "/", "\\"]:
        t.add(code)
    assert t.lates == 2
    assert (t.possible, t.attended, t.unauthorised) == (4, 3, 1)
    assert t.percent == 75.0


def test_percent_ignores_sessions_that_are_not_possible():
    t = Tally(by_code={})
    for code in ["/"] * 9 + ["I"] + ["#"] * 10 + ["Y1"] * 3:
        t.add(code)
    assert t.possible == 10 and t.not_possible == 13
    assert t.percent == 90.0
    assert t.band == "ok"


@pytest.mark.parametrize(
    "attended,absent,band",
    [(90, 10, "ok"), (89, 11, "persistent"), (50, 50, "persistent"), (49, 51, "severe")],
)
def test_persistent_below_90_and_severe_below_50(attended, absent, band):
    t = Tally(by_code={})
    t.add("/", attended)
    t.add("O", absent)
    assert t.band == band


def test_lookup_forgives_case_and_spaces_but_not_unknown_codes():
    assert codes.lookup(" m ").code == "M"
    assert codes.lookup("y1").code == "Y1"
    assert codes.lookup("A") is None
    assert codes.lookup("") is None
