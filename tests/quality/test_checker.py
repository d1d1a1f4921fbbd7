"""Each rule of the checker with texts it must flag and texts it must leave alone."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checking.checker import Context, Person, check, quoted_spans

FIXTURES = Path(__file__).parent / "fixtures"
AMBER, LEAH, JACK = 1, 2, 3
HOME = Context(
    site_kind="home",
    children=(
        Person("Amber", "Smith", child_id=AMBER),
        Person("Leah", "Jones", "Lee", child_id=LEAH),
        Person("Jack", "Evans", child_id=JACK),
    ),
    staff_names=("Ellie Dawson", "Josh Turner"),
    place_names=("Oak House", "Brightwater Care"),
    child_id=AMBER,
)
SCHOOL = Context(site_kind="school", children=HOME.children, child_id=AMBER)


def rules(text, context=HOME, name="text", **kwargs):
    return [(f.rule, f.excerpt) for f in check({name: text}, context, **kwargs).findings]


def only(rule, text, context=HOME, name="text", **kwargs):
    return [excerpt for r, excerpt in rules(text, context, name, **kwargs) if r == rule]


# -- the worked example and the banned phrase ------------------------------------------------------


def amber_record() -> dict[str, str]:
    """The guide's worked example ("Amber Smith 03.08.2020 Cannabis"), split into the home
    session form's sections."""
    text = (FIXTURES / "amber_smith_cannabis.txt").read_text(encoding="utf-8")

    def between(start, end=None):
        part = text.split(start, 1)[1]
        return (part.split(end, 1)[0] if end else part).strip()

    return {
        "summary": between("Summary:", "\n"),
        "standards_discussed": between(
            "Provide details of the Quality Standards discussed:", "Key Child Agenda:"
        ),
        "child_agenda": between("Key Child Agenda:", "Key Worker Agenda:"),
        "key_worker_agenda": between("Key Worker Agenda:", "Targets set"),
        "targets": between("achieve by the next session:", "Work to be followed up"),
        "follow_up": between("by the key worker by the next session:", "Any other matters"),
        "matters": between("and/or parents:", "Does the Placement Plan"),
        "account": between("discussed during the session here:"),
    }


def test_the_guides_worked_example_has_no_opinion_findings():
    fields = amber_record()
    assert fields["account"].startswith("Amber began a discussion with staff ED")
    report = check(
        fields,
        Context(**{**HOME.__dict__, "record_kind": "session"}),
        quality_standards=(3, 5, 7),
    )
    found = {f.rule for f in report.findings}
    assert not found & {"opinion", "judgemental", "you_did", "disclosure", "spelling"}
    assert not found & {"missing_section", "thin_section", "standard_not_discussed"}
    assert report.score >= 80, report.explanation


def test_may_have_been_drinking_is_flagged_at_the_phrase():
    text = "At 22:10 Amber returned to Oak House. She may have been drinking."
    report = check({"account": text}, HOME)
    [finding] = [f for f in report.findings if f.rule == "opinion"]
    start = text.index("may have")
    assert (finding.field, finding.start, finding.end) == ("account", start, start + 8)
    assert finding.excerpt == "may have"
    assert "seen, heard or said" in finding.suggestion
    assert report.score == 92
    assert "Opinion or speculation: 1 × 8 → −8." in report.explanation


# -- opinion and speculation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,phrase",
    [
        ("She might have taken it.", "might have"),
        ("Amber appeared upset after the call.", "appeared"),
        ("Amber appears to be tired.", "appears"),
        ("He seemed angry.", "seemed"),
        ("It looked like she had been crying.", "looked like"),
        ("I think she was out with friends.", "I think"),
        ("I feel the placement is going well.", "I feel"),
        ("She was probably at her friend's house.", "probably"),
        ("He is obviously upset.", "obviously"),
        ("Apparently she left at 9.", "Apparently"),
        ("In my opinion the target is too hard.", "In my opinion"),
    ],
)
def test_opinion_is_flagged(text, phrase):
    assert only("opinion", text) == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        "Amber disappeared from the park at 16:00 and returned at 18:30.",
        "Amber appeared in court on Monday with her social worker.",
        "Jack appeared at the door of the office at 21:00.",
        "Amber said 'I think I might have left it at school'.",
        'Amber said "it looked like a normal cigarette".',
        "Amber looked at the leaflet and read it aloud.",
        "The appearance of the room was discussed.",
        "Amber said she felt strange and could not stop crying.",
    ],
)
def test_facts_and_quoted_words_are_not_opinion(text):
    assert only("opinion", text) == []


def test_an_organisations_extra_phrases_are_flagged():
    context = Context(**{**HOME.__dict__, "extra_phrases": ("it is felt that",)})
    assert only("opinion", "It is felt that contact should reduce.", context) == ["It is felt that"]
    assert only("opinion", "It is felt that contact should reduce.", HOME) == []


# -- judgemental wording and "You did" ------------------------------------------------------------


@pytest.mark.parametrize(
    "text,word",
    [
        ("Jack was naughty in maths.", "naughty"),
        ("This is attention-seeking behaviour.", "attention-seeking"),
        ("Amber kicked off at tea time.", "kicked off"),
        ("Amber was rude to staff as usual.", "rude"),
    ],
)
def test_judgemental_words_are_flagged(text, word):
    assert word in only("judgemental", text)


def test_plain_description_is_not_judgemental():
    text = "Amber shouted at staff and left the kitchen at 17:40. She returned at 17:55."
    assert only("judgemental", text) == []


def test_sentences_starting_you_did_are_flagged_but_not_in_the_middle_or_in_quotes():
    assert only("you_did", "You did not go to school today. Amber agreed.") == ["You did"]
    assert only("you_did", "We talked. You were late again.") == ["You were"]
    assert only("you_did", "Amber asked whether you did the shopping.") == []
    assert only("you_did", "Amber said 'You did it first'.") == []


# -- SMART targets -------------------------------------------------------------------------------


def test_vague_unmeasurable_undated_target_gets_three_findings():
    found = rules("Try to be good.", name="targets")
    assert ("target_vague", "Try to") in found
    assert ("target_not_measurable", "Try to be good.") in found
    assert ("target_no_timeframe", "Try to be good.") in found


def test_a_smart_target_passes():
    text = "Attend all 5 morning registrations on time by Friday 14 March."
    found = {rule for rule, _ in rules(text, name="targets")}
    assert not found & {"target_vague", "target_not_measurable", "target_no_timeframe"}


def test_session_targets_take_their_time_frame_from_the_form():
    context = Context(**{**SCHOOL.__dict__, "record_kind": "session"})
    text = "Earn 100 class points in maths."
    found = {r for r, _ in rules(text, context, name="targets")}
    assert "target_no_timeframe" not in found
    assert "target_no_timeframe" in {r for r, _ in rules(text, SCHOOL, name="targets")}


def test_each_line_is_a_target_with_its_own_offsets():
    text = "- Read 2 chapters by Friday.\n- Improve behaviour."
    report = check({"targets": text}, HOME)
    vague = [f for f in report.findings if f.rule == "target_vague"]
    assert [(f.start, f.end) for f in vague] == [(text.index("Improve"), text.index("Improve") + 7)]


# -- spelling ---------------------------------------------------------------------------------


def test_misspellings_and_american_spellings_are_flagged_with_suggestions():
    report = check({"text": "Amber recieved a leaflet about her behavior and its color."}, HOME)
    spelling = {f.excerpt: f.suggestion for f in report.findings if f.rule == "spelling"}
    assert set(spelling) == {"recieved", "behavior", "color"}
    assert "received" in spelling["recieved"]
    assert "behaviour" in spelling["behavior"]
    assert "colour" in spelling["color"]


def test_british_spellings_names_and_domain_words_are_accepted():
    text = (
        "Amber Smith and Ellie Dawson met at Oak House to discuss her wellbeing, the EHCP, "
        "CAMHS, MOSAIC and Ofsted. The organisation's programme recognised her behaviour; "
        "de-escalation worked. Lee and Josh Turner travelled to the centre. She realised it."
    )
    assert only("spelling", text) == []


def test_organisation_accepted_words_are_accepted():
    context = Context(**{**HOME.__dict__, "accepted_words": ("Kooth",)})
    assert only("spelling", "Amber used Kooth.", HOME) == ["Kooth"]
    assert only("spelling", "Amber used Kooth.", context) == []


def test_addresses_and_numbers_are_not_spell_checked():
    text = "Emailed sw.office@northshire.example and sent https://nhsinform.scot/xyzzy at 3pm."
    assert only("spelling", text) == []


# -- grammar and punctuation ----------------------------------------------------------------------


def test_sentence_capitals_full_stops_repeats_and_double_spaces():
    text = "Amber went to the the shop.  she bought milk\nAmber came back at 5."
    found = rules(text)
    assert ("repeated_word", "the the") in found
    assert ("double_space", "  ") in found
    assert ("capital", "she") in found
    assert ("full_stop", "milk") in found


def test_well_punctuated_text_has_no_punctuation_findings():
    text = (
        "Amber went to the shop, e.g. the one on Mill Road. She had had enough of waiting.\n"
        "- A bullet point without a stop\n"
        "Amber came back at 17:30."
    )
    found = {r for r, _ in rules(text)}
    assert not found & {"repeated_word", "double_space", "capital", "full_stop"}


# -- other children's names --------------------------------------------------------------------


def test_another_childs_full_name_and_first_name_are_flagged():
    text = "Amber went out with Leah Jones. Later she met Jack at the shop."
    assert only("disclosure", text) == ["Leah Jones", "Jack"]


def test_the_records_own_child_and_names_at_a_sentence_start_are_not_flagged():
    assert only("disclosure", "Amber Smith said Amber's room was tidy.") == []
    assert only("disclosure", "Jack up the volume, said Amber.") == []


def test_names_are_not_looked_for_without_the_child():
    context = Context(**{**HOME.__dict__, "child_id": None})
    report = check({"text": "Amber went out with Leah Jones."}, context)
    assert not [f for f in report.findings if f.rule == "disclosure"]
    assert report.notes


def test_a_name_in_a_parent_contact_costs_more():
    text = "Called mum to say Amber argued with Leah Jones at tea time, as agreed in the plan."
    note = check({"text": text}, HOME)
    contact = check({"summary": text}, Context(**{**HOME.__dict__, "record_kind": "contact"}))
    assert note.score - contact.score == 10
    assert (
        "parent or social worker"
        in [f for f in contact.findings if f.rule == "disclosure"][0].message
    )


# -- sections, session length and Quality Standards ---------------------------------------------


def test_missing_and_thin_sections_of_a_school_session():
    context = Context(**{**SCHOOL.__dict__, "record_kind": "session"})
    report = check({"details": "We talked about lessons."}, context)
    found = {(f.rule, f.field) for f in report.findings}
    assert ("thin_section", "details") in found
    assert ("missing_section", "targets") in found
    assert ("missing_section", "review") not in found  # optional


def test_a_school_session_over_twenty_minutes():
    assert only("session_too_long", "Amber met her key worker.", SCHOOL, duration_minutes=25)
    assert not only("session_too_long", "Amber met her key worker.", SCHOOL, duration_minutes=20)
    assert not only("session_too_long", "Amber met her key worker.", HOME, duration_minutes=45)


def test_a_ticked_quality_standard_that_is_never_discussed():
    text = "Amber and staff talked about her GP appointment and her health."
    found = only("standard_not_discussed", text, quality_standards=(5, 3))
    assert found == ["The education standard"]


# -- the score ---------------------------------------------------------------------------------


def test_the_score_is_deterministic_capped_and_explained():
    text = "Amber may have gone. " * 10
    first = check({"text": text}, HOME)
    assert first.score == check({"text": text}, HOME).score == 60
    assert any("the most this rule can take" in line for line in first.explanation)
    assert check({"text": "Amber went to school at 8:30."}, HOME).score == 100


def test_quoted_spans_ignore_apostrophes():
    text = "Amber's friend said 'it's fine' and the kids' room was tidy."
    [(start, end)] = quoted_spans(text)
    assert text[start:end] == "it's fine"


def test_a_thousand_word_record_is_checked_quickly():
    """The target is 50 ms (bench/quality_checker.py measures it); 200 ms here leaves room for a
    busy shared CI machine without letting a quadratic slip through (that took 370 ms)."""
    import statistics
    import time

    sentence = "Amber said she had smoked cannabis 'the other day' and may have been drinking. "
    repeats = 1000 // len(sentence.split())
    text = sentence * repeats
    check({"account": text}, HOME)  # loads the word list and compiles the patterns
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        report = check({"account": text}, HOME)
        timings.append(time.perf_counter() - started)
    assert len([f for f in report.findings if f.rule == "opinion"]) == repeats
    assert statistics.median(timings) < 0.2


def test_a_must_fix_finding_keeps_a_high_score_from_reading_ready():
    report = check({"text": "She may have been drinking."}, HOME)
    assert report.score == 92 and report.must_fix == 1
    assert "Must fix" in report.band
    assert check({"text": "She drank two cans of cider."}, HOME).band == "Ready to submit"
    stored = report.as_dict()
    assert stored["findings"][0]["start"] == 4 and stored["must_fix"] == 1


# -- any text at all ------------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(list("abcdeAmberLeahJones may have  'you did'\n.,!?-•1–’“”")),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(text=TEXT, targets=TEXT)
def test_any_text_gives_valid_offsets_and_the_same_report_twice(text, targets):
    fields = {"account": text, "targets": targets}
    report = check(fields, HOME, duration_minutes=30, quality_standards=(1, 9))
    assert 0 <= report.score <= 100
    for finding in report.findings:
        if finding.field in fields:
            source = fields[finding.field]
            assert 0 <= finding.start <= finding.end <= len(source)
            if finding.end - finding.start <= 80:
                assert source[finding.start : finding.end] == finding.excerpt
    assert check(fields, HOME, duration_minutes=30, quality_standards=(1, 9)) == report
