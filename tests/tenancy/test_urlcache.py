"""The remembered ``reverse`` of the navigation and top bar gives what Django's gives, under any
script prefix, and goes to Django's for anything with arguments."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix
from django.urls import reverse as django_reverse

from tenancy import urlcache


@pytest.mark.parametrize("name", ["home", "login", "logout", "people:child_list", "staff_list"])
def test_same_address_as_django(name):
    assert urlcache.reverse(name) == django_reverse(name)
    assert urlcache.reverse(name) == django_reverse(name)  # the remembered one too


def test_a_script_prefix_gets_its_own_address():
    plain = urlcache.reverse("home")
    set_script_prefix("/keywork/")
    try:
        assert urlcache.reverse("home") == "/keywork/" + plain.lstrip("/")
    finally:
        clear_script_prefix()
    assert urlcache.reverse("home") == plain


def test_arguments_go_to_django_and_unknown_names_still_fail():
    assert urlcache.reverse("people:child_detail", args=[42]) == django_reverse(
        "people:child_detail", args=[42]
    )
    with pytest.raises(NoReverseMatch):
        urlcache.reverse("no:such_page")
