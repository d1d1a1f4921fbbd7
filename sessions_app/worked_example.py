"""The worked example in the children's-home guide ("Amber Smith 03.08.2020 Cannabis"), used by the
demo seed and by the tests that check a recorded session reads like it."""

import datetime

TOPIC = "Substance misuse"
TITLE_SUFFIX = "Cannabis"
START = datetime.time(14, 0)
END = datetime.time(14, 45)
QUALITY_STANDARDS = [3, 5, 7]  # education; health and well-being; protection of children
PREVIOUS_TARGETS_NOTE = "First session on this topic."
QUALITY_STANDARDS_DETAILS = (
    "I have identified three of the quality standards above which have been discussed with Amber "
    "during this key working session. The details of this key working session can be found "
    "below, I have discussed with Amber how cannabis can affect your health and wellbeing and "
    "provided her with a leaflet to show her the facts about cannabis and how this can affect "
    "mental health. This was used to encourage Amber to gather a better understanding and "
    "education of cannabis and the effects it can have."
)
CHILD_AGENDA = "To discuss recent cannabis use and how this affected her."
WORKER_AGENDA = "To educate Amber on the effects of cannabis use."
INITIATED_WHY = "Amber began a discussion with staff ED around her recent cannabis use."
TARGETS = [
    ("To not use cannabis.", "Amber tells staff; no incidents recorded."),
    ("To research and provide further effects/risks of cannabis.", "Amber brings her research."),
]
FOLLOW_UP = (
    "To continue to support Amber with not using cannabis and offer MOSAIC involvement if required."
)
MATTERS = (
    "Make manager, social worker, and parents aware of Amber's cannabis use and discuss the "
    "support being given to her for this. To make everyone aware that if Amber continues to "
    "misuse cannabis that a MOSAIC referral will be offered, and further key work sessions will "
    "be completed."
)
# Who the matters are for, and the referral the key worker will offer (chosen on the form).
MATTERS_FOR = ["manager", "social_worker", "parents"]
REFERRAL_AGENCY = "MOSAIC"
PLACEMENT_PLAN_AREAS = (
    "The health, and emotional and behavioural development areas of the placement plan will be "
    "updated as evidence of the discussion had with Amber, if any further incidents occur then "
    "this will be added to Amber's identified needs and extra support will be sought in helping "
    "Amber to avoid using cannabis."
)
BEHAVIOUR_PLAN_DETAILS = (
    "Add Amber's cannabis use and the MOSAIC referral route to the risk assessment."
)
ACCOUNT = """Amber began a discussion with staff ED around cannabis. Amber discussed with staff ED that she had smoked cannabis 'the other day' and that she will not be smoking it again because it made her feel as if she were in a different universe and she had begun crying. Amber stated that she had 'made a vow with herself not to have it again because she had never felt that way smoking it before'. This is the first-time staff had any knowledge of Amber smoking cannabis. Staff ED asked Amber if she had smoked this a lot previously and Amber stated she had not, but she had tried it a couple of times before when with her friends and had again this time because 'everyone else was doing it'.

Staff ED then asked Amber if she knew any information about cannabis and the effects it can have on people. Amber stated, 'it just gets you high'. From this staff ED identified that Amber would benefit from some education on cannabis.

Staff ED discussed with Amber how cannabis can affect people differently and different types of cannabis can affect you in different ways. Staff ED explained that sometimes the people you get cannabis from can mix this with different things such as chemicals, or other drugs which can have a negative effect. Amber stated that when she has smoked cannabis before she has never had a negative experience with it whereas when she had smoked it the last time, she could not stop crying, felt strange and as if she was in a parallel universe.

Staff ED found a resource for Amber to show her the facts about cannabis and how this can affect mental health, this was used to encourage Amber to gather a better understanding of cannabis and the effects it can have. See attached link.

After staff ED had shown Amber this, staff ED set Amber a task of researching the effects of cannabis and other ways it can affect a person. Amber has been given 1 week to complete this task and another key working session will be completed next week to conclude this. If any further incidents occur with Amber smoking cannabis, then a MOSAIC referral will be offered for more support."""
RESOURCES = "Cannabis | NHS inform: https://www.nhsinform.scot/healthy-living/drugs-and-alcohol/drugs/cannabis"


def title(child_name: str, day: datetime.date) -> str:
    return f"Key worker Session – {child_name} {day:%d.%m.%Y} {TITLE_SUFFIX}"


def fields(day: datetime.date, child_name: str = "Amber Smith") -> dict:
    """The session's own fields, as a service's ``data``."""
    return {
        "title": title(child_name, day),
        "date": day,
        "start_time": START,
        "end_time": END,
        "initiated_by": "child",
        "initiated_why": INITIATED_WHY,
        "purpose": "issue",
        "engagement": "engaged",
        "previous_targets_note": PREVIOUS_TARGETS_NOTE,
        "account": ACCOUNT,
        "resources": RESOURCES,
        "follow_up": FOLLOW_UP,
        "matters": MATTERS,
        "matters_for": MATTERS_FOR,
        "referral_agency": REFERRAL_AGENCY,
        "quality_standards": QUALITY_STANDARDS,
        "quality_standards_details": QUALITY_STANDARDS_DETAILS,
        "child_agenda": CHILD_AGENDA,
        "worker_agenda": WORKER_AGENDA,
        "placement_plan_update": True,
        "placement_plan_areas": PLACEMENT_PLAN_AREAS,
        "behaviour_plan_update": True,
        "behaviour_plan_details": BEHAVIOUR_PLAN_DETAILS,
    }


def targets(day: datetime.date) -> list[dict]:
    due = day + datetime.timedelta(days=7)
    return [
        {"what": what, "measure": measure, "due_on": due, "area": area}
        for (what, measure), area in zip(TARGETS, ["health", "health"], strict=True)
    ]
