"""``{{ field|as_field }}`` writes a select in Python for speed: it must be the markup Django's own
widget writes (what the browser, the accessibility walk and people see), whatever the choices."""

import pytest
from django import forms
from django.template import Context, Template

from people.models import Child
from tests.factories import ChildFactory

SELECT = forms.Select
CHOICES = [("", "Anyone"), ("a", "Zoë “Zee” O’Brien"), ("b", "<b>bold</b> & co"), ("c", "王小明")]
GROUPED = [
    ("", "Any"),
    ("Mornings", [("m1", "Breakfast club"), ("m2", "Tutor time")]),
    ("Afternoons", [("a1", "Lunch & play")]),
]


class Filters(forms.Form):
    who = forms.ChoiceField(choices=CHOICES, required=False, label="Who")
    when = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    must = forms.ChoiceField(choices=CHOICES[1:], help_text="Pick one")
    styled = forms.ChoiceField(
        choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "narrow"})
    )
    maybe = forms.NullBooleanField(required=False)


def django_markup(bound):
    """What Django's widget renders for the attributes as_field gives it."""
    return bound.as_widget(attrs=_attrs_from(bound))


def _attrs_from(bound):
    from tenancy.templatetags.kw_forms import as_field

    html = str(as_field(bound))
    start = html.index("<select")
    tag = html[start : html.index(">", start)]
    attrs = {}
    for name in ("class", "aria-invalid", "aria-describedby"):
        marker = f' {name}="'
        if marker in tag:
            attrs[name] = tag.split(marker, 1)[1].split('"', 1)[0]
    return attrs


def select_of(html: str) -> str:
    html = str(html)
    return html[html.index("<select") : html.index("</select>") + len("</select>")]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"who": "b", "when": "m2", "many": ["a", "c"], "must": "c", "maybe": "true"},
        {"who": "nope", "when": "a1", "many": ["zz"], "must": ""},  # invalid: errors shown
    ],
    ids=["unbound", "chosen", "invalid"],
)
def test_every_select_is_djangos_markup(data):
    form = Filters(data)
    if data is not None:
        form.is_valid()
    from tenancy.templatetags.kw_forms import as_field

    for name in form.fields:
        bound = form[name]
        assert select_of(as_field(bound)) == select_of(django_markup(bound)), name


def test_text_is_escaped_and_shown_as_typed():
    from tenancy.templatetags.kw_forms import as_field

    html = str(as_field(Filters({"who": "a"})["who"]))
    assert "Zoë “Zee” O’Brien</option>" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html and "<b>bold" not in html
    assert '<option value="a" selected>' in html
    assert "王小明" in html


def test_model_choices_select_the_chosen_record(org, scope):

    with scope(org.org):
        children = [ChildFactory(site=org.school, first_name=n) for n in ("Amélie", "Bo")]
        _check_model_choices(children)


def _check_model_choices(children):

    from sessions_app.filters import ChildChoiceField

    class PickChild(forms.Form):
        child = ChildChoiceField(queryset=Child.objects.order_by("first_name"), required=False)

    form = PickChild({"child": str(children[1].pk)})
    assert form.is_valid()
    html = Template("{% load kw_forms %}{{ form.child|as_field }}").render(Context({"form": form}))
    assert select_of(html) == select_of(django_markup(form["child"]))
    assert f'<option value="{children[1].pk}" selected>' in html
    assert "Amélie" in html
