"""Text as people type it (issue 16), the other-child rule and family names, the disclosure-language
suggestion (issue 19) and the checker's bounded work (issue 14)."""

import time
import tracemalloc

import pytest

from checking import spelling
from checking.checker import MAX_CHECKED_CHARS, MAX_LISTED, Context, Person, check, quoted_spans
from checking.checker.safeguarding import DEFAULT_DISCLOSURE_PHRASES

LOGAN, QUINN, ZOE, LOGAN_2 = 1, 2, 3, 4
SCHOOL = Context(
    site_kind="school",
    record_kind="contact",
    children=(
        Person("Logan", "Quinn", child_id=LOGAN),
        Person("Quinn", "Smith", child_id=QUINN),
        Person("Zoë", "O'Brien", child_id=ZOE),
        Person("Logan", "Evans", child_id=LOGAN_2),
    ),
    staff_names=("Ellie Dawson",),
    child_id=LOGAN,
)


def findings(text, context=SCHOOL, rule=None, name="text"):
    report = check({name: text}, context)
    return [f.excerpt for f in report.findings if rule is None or f.rule == rule]


# -- text as people type it ----------------------------------------------------------------------


@pytest.mark.parametrize("word", ["didn’t", "o’clock", "we’ll", "Amber’s", "didnʼt", "O’Brien"])
def test_curly_apostrophes_are_apostrophes(word):
    assert findings(f"Logan said {word} matter.", rule="spelling") == []


def test_words_with_accents_are_whole_words():
    assert findings("Logan went to the café with Zoë’s mum; she was naïve.", rule="spelling") == []
    assert findings("Logan went to the cafe\u0301.", rule="spelling") == []  # decomposed é


def test_a_misspelt_accented_word_is_flagged_whole():
    assert findings("Logan went to the cafféé.", rule="spelling") == ["cafféé"]


def test_words_in_other_scripts_are_not_judged_by_an_english_dictionary():
    assert findings("Logan wrote “আমি ভালো আছি” and “میں ٹھیک ہوں”.", rule="spelling") == []


def test_quoted_speech_with_curly_quotes_is_the_speakers_own_words():
    assert findings("Logan said ‘it’s not fair, she’s rude’.", rule="judgemental") == []


def test_excerpts_quote_the_text_as_written():
    report = check({"text": "Logan didn’t go. It may’ve been late."}, SCHOOL)
    assert all("’" in f.excerpt or "'" not in f.excerpt for f in report.findings)


# -- the other-child rule ----------------------------------------------------------------------------


def test_the_childs_own_surname_is_not_another_child():
    """Issue 16's case: "Phoned Mr Quinn" in a contact for Logan Quinn, with a pupil called Quinn."""
    report = check(
        {
            "summary": "Phoned Mr Quinn after school to say that Logan had a good week: he "
            "earned 120 class points and two green slips."
        },
        SCHOOL,
    )
    assert [f.rule for f in report.findings if f.rule == "disclosure"] == []
    assert report.score == 100


def test_a_family_members_surname_is_not_another_child():
    context = Context(**{**SCHOOL.__dict__, "child_id": QUINN, "family_names": ("Kerry Evans",)})
    assert findings("Spoke to Ms Evans and Kerry about Quinn.", context, "disclosure") == []


def test_another_childs_full_name_is_still_a_disclosure():
    assert findings("Logan said Quinn Smith pushed him.", rule="disclosure") == ["Quinn Smith"]


def test_another_childs_full_name_is_found_without_its_accents_or_curly_apostrophe():
    assert findings("He sat next to Zoe O’Brien at lunch.", rule="disclosure") == ["Zoe O’Brien"]


def test_an_unambiguous_first_name_alone_is_a_disclosure():
    assert findings("At lunch Zoë took his pen.", rule="disclosure") == ["Zoë"]


# -- disclosure language -----------------------------------------------------------------------------


def test_disclosure_language_suggests_a_concern_without_costing_anything():
    context = Context(
        **{
            **SCHOOL.__dict__,
            "record_kind": "note",
            "disclosure_phrases": DEFAULT_DISCLOSURE_PHRASES,
        }
    )
    report = check({"text": "Logan said “he hit me and said don’t tell anyone”."}, context)
    prompts = [f for f in report.findings if f.rule == "safeguarding"]
    assert [f.excerpt for f in prompts] == ["hit me", "don’t tell anyone"]
    assert prompts[1].message.startswith("“don’t tell anyone” may be a disclosure.")
    assert all(f.severity == "suggestion" for f in prompts)
    assert prompts[0].suggestion == "Consider raising a safeguarding concern with the DSL."
    assert report.score == 100 and report.must_fix == 0
    assert "safeguarding" not in [d.rule for d in report.deductions]


def test_no_disclosure_list_no_suggestion():
    assert findings("Logan said he hit me.", rule="safeguarding") == []


# -- bounded work --------------------------------------------------------------------------------------


def _cost(fn):
    fn()  # warm the word list and the patterns (a once-a-process cost)
    tracemalloc.start()
    started = time.process_time()
    fn()
    cpu = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6, cpu


def test_one_word_of_49990_letters_costs_megabytes_not_gigabytes():
    """Issue 14: this once grew a worker to 23 GB (every one-edit variant was built)."""
    word = "a" * 49_990
    assert spelling.suggestions(word) == []
    peak_mb, cpu = _cost(lambda: check({"account": word}, SCHOOL))
    assert peak_mb < 100 and cpu < 1.0  # measured: about 7 MB, 0.1 s
    [finding] = [f for f in check({"account": word}, SCHOOL).findings if f.rule == "spelling"]
    assert "longer than any word" in finding.message


def test_suggestions_stop_at_the_longest_word():
    assert spelling.suggestions("pneumonoultramicroscopicsilicovolcanoconiosos") == [
        "pneumonoultramicroscopicsilicovolcanoconiosis"
    ]
    assert spelling.suggestions("x" * (spelling.longest() + 2)) == []


def test_unclosed_quotes_are_linear():
    text = " 'a" * (MAX_CHECKED_CHARS // 3)
    started = time.process_time()
    assert quoted_spans(text) == []
    assert time.process_time() - started < 0.5


def test_more_than_the_limit_is_not_checked_and_says_so():
    report = check({"account": "Logan went home. " * 4000}, SCHOOL)
    assert any(f"first {MAX_CHECKED_CHARS:,} characters" in n for n in report.notes)


def test_findings_listed_are_capped_but_all_are_counted():
    report = check({"account": "It may have rained. " * 300}, SCHOOL)
    opinions = [f for f in report.findings if f.rule == "opinion"]
    assert len(opinions) == MAX_LISTED
    assert [d.count for d in report.deductions if d.rule == "opinion"] == [300]
    assert any("the first 100 of 300 are listed" in n for n in report.notes)
