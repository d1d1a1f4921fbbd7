"""The site's policy and term calendar as sessions and behaviour read them: compliance answers."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from compliance import selectors as compliance_selectors
from tenancy import siterules


def test_compliance_answers_every_question_at_start_up():
    assert {name: siterules._answers[name] for name in siterules.NAMES} == {
        name: getattr(compliance_selectors, name) for name in siterules.NAMES
    }


def test_an_unknown_question_is_refused_and_an_unanswered_one_says_so(monkeypatch):
    with pytest.raises(ValueError, match="Unknown site rules"):
        siterules.provide(holidays=lambda site: [])
    monkeypatch.setattr(siterules, "_answers", {})
    with pytest.raises(ImproperlyConfigured, match="session_max_minutes"):
        siterules.session_max_minutes(object())
