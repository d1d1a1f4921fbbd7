import pytest

from quality.models import QualitySettings
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..factories import ChildFactory

CHECK = "/quality/check/"


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        yield


def post_check(client, **data):
    data.setdefault("site_kind", "school")
    return client.post(CHECK, data, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_live_check_returns_findings_beside_the_text(client, org):
    client.force_login(org.users["key_worker"])
    response = post_check(client, details="She may have been drinking.")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-rule="opinion"' in body
    assert 'data-start="4" data-end="12"' in body
    assert "<mark>may have</mark>" in body
    assert "Details" in body and "92" in body


@pytest.mark.django_db
def test_live_check_finds_another_childs_name_only_with_the_child(client, org):
    ChildFactory(site=org.school, first_name="Tallulah", last_name="Brackenbury")
    client.force_login(org.users["key_worker"])
    text = f"{org.child.first_name} sat with Tallulah Brackenbury at lunch."
    with_child = post_check(client, child_id=org.child.pk, text=text).content.decode()
    assert 'data-rule="disclosure"' in with_child
    assert 'data-rule="spelling"' not in with_child  # both children's names are accepted
    without = post_check(client, text=text).content.decode()
    assert 'data-rule="disclosure"' not in without
    assert "No child chosen" in without


@pytest.mark.django_db
def test_session_record_kind_checks_required_sections_of_the_childs_site(client, org):
    client.force_login(org.users["key_worker"])
    body = post_check(
        client, child_id=org.child.pk, record_kind="session", details="We talked."
    ).content.decode()
    assert 'data-rule="missing_section"' in body
    assert "SMART targets" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({"site_kind": "moon"}, "school or a children"),
        ({"record_kind": "poem"}, "kind of record"),
        ({"duration_minutes": "twenty"}, "whole number of minutes"),
        ({"quality_standards": "12"}, "numbered 1 to 9"),
        ({"text": "x" * 50_001}, "too long"),
    ],
)
def test_bad_input_is_explained_not_an_error(client, org, data, message):
    client.force_login(org.users["key_worker"])
    response = client.post(CHECK, {"site_kind": "school", "text": "Hello.", **data})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_another_organisations_child_is_a_404_for_every_role(client, org, other_org):
    for user in other_org.users.values():
        client.force_login(user)
        response = post_check(client, child_id=org.child.pk, text="Hello.")
        assert response.status_code == 404
        assert client.get(CHECK).status_code == 405


@pytest.mark.django_db
def test_a_child_of_another_site_is_a_404(client, org):
    client.force_login(org.users["other_site_key_worker"])
    assert post_check(client, child_id=org.child.pk, text="Hello.").status_code == 404
    assert post_check(client, child_id="abc", text="Hello.").status_code == 404


@pytest.mark.django_db
def test_names_and_phrases_of_another_organisation_are_not_used(client, org, other_org):
    client.force_login(other_org.users["manager"])
    text = (
        f"I met {org.child.first_name} {org.child.last_name}. It was {org.org.name} secret phrase."
    )
    body = post_check(client, text=text).content.decode()
    # Another organisation's child's name is not a known word here, and its banned phrase is not
    # this organisation's: the answer leaks neither.
    assert f'data-rule="spelling" data-start="{text.index(org.child.first_name)}"' in body
    assert 'data-rule="opinion"' not in body


@pytest.mark.django_db
def test_the_organisations_settings_apply_to_the_check(client, org):
    client.force_login(org.users["key_worker"])
    body = post_check(
        client, text=f"Staff noted the {org.org.name} secret phrase. {org.child.first_name}word."
    ).content.decode()
    assert 'data-rule="opinion"' in body
    assert 'data-rule="spelling"' not in body


@pytest.mark.django_db
def test_live_check_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["key_worker"])
    data = {"site_kind": "school", "child_id": org.child.pk, "text": "Amber may have gone."}
    client.post(CHECK, data)
    for _ in range(20):
        ChildFactory(site=org.school)
    # 1 user, 2 savepoint, 3 the child with its
    # site, 4 the organisation's settings, 5 the names of the children the user can see, 6 the names
    # of the staff of their sites, 7 release savepoint.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(7):
        response = client.post(CHECK, data)
    assert response.status_code == 200


@pytest.mark.django_db
def test_check_page_works_without_javascript(client, org):
    client.force_login(org.users["key_worker"])
    page = client.get("/quality/")
    assert page.status_code == 200
    assert 'hx-post="/quality/check/"' in page.content.decode()
    response = client.post(
        "/quality/",
        {"site_kind": "school", "text": "He seemed upset.", "targets": "Try to be good."},
    )
    body = response.content.decode()
    assert 'data-rule="opinion"' in body and 'data-rule="target_vague"' in body
    assert client.post("/quality/", {"site_kind": "moon"}).status_code == 200


@pytest.mark.django_db
def test_check_page_offers_only_the_users_own_children(client, org, other_org):
    client.force_login(org.users["key_worker"])
    body = client.get("/quality/").content.decode()
    assert org.child.first_name in body
    assert other_org.child.first_name not in body


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["key_worker", "moderator", "other_site_key_worker"])
def test_settings_are_for_managers_and_organisation_admins(client, org, role):
    client.force_login(org.users[role])
    assert client.get("/quality/settings/").status_code == 403
    assert client.post("/quality/settings/", {"banned_phrases": "x"}).status_code == 403


@pytest.mark.django_db
def test_manager_saves_settings_and_the_change_is_audited(client, org):
    client.force_login(org.users["manager"])
    page = client.get("/quality/settings/")
    assert page.status_code == 200
    version = page.context["form"]["version"].value()
    response = client.post(
        "/quality/settings/",
        {
            "banned_phrases": "  it is felt   that\n\nno doubt\n",
            "accepted_words": "Kooth\nThrive",
            "version": version,
        },
    )
    assert response.status_code == 302
    saved = QualitySettings.objects.get()
    assert saved.banned_phrases == "it is felt that\nno doubt"
    assert saved.version == version + 1
    event = AuditEvent.objects.filter(object_type="quality.qualitysettings").latest("pk")
    assert event.action == "update" and event.actor == org.users["manager"]
    assert event.before["accepted_words"] != event.after["accepted_words"]


@pytest.mark.django_db
def test_second_editor_is_refused_and_keeps_their_text(client, org):
    client.force_login(org.users["org_admin"])
    version = client.get("/quality/settings/").context["form"]["version"].value()
    first = {"banned_phrases": "first", "accepted_words": "", "version": version}
    assert client.post("/quality/settings/", first).status_code == 302
    second = {"banned_phrases": "second editor's phrase", "accepted_words": "", "version": version}
    response = client.post("/quality/settings/", second)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert "second editor&#x27;s phrase" in response.content.decode()
    assert QualitySettings.objects.get().banned_phrases == "first"


@pytest.mark.django_db
def test_settings_created_on_first_save(client, org):
    QualitySettings.objects.all().delete()
    client.force_login(org.users["manager"])
    response = client.post("/quality/settings/", {"banned_phrases": "", "accepted_words": "Kooth"})
    assert response.status_code == 302
    created = QualitySettings.objects.get()
    assert created.word_list == ("Kooth",)
    assert AuditEvent.objects.filter(
        object_type="quality.qualitysettings", object_id=created.pk, action="create"
    ).exists()


@pytest.mark.django_db
def test_settings_reject_bad_lines_beside_the_field(client, org):
    client.force_login(org.users["manager"])
    version = client.get("/quality/settings/").context["form"]["version"].value()
    response = client.post(
        "/quality/settings/",
        {"banned_phrases": "x" * 81, "accepted_words": "two words", "version": version},
    )
    form = response.context["form"]
    assert "under 80 characters" in form.errors["banned_phrases"][0]
    assert "One word a line" in form.errors["accepted_words"][0]


@pytest.mark.django_db
def test_nav_shows_check_a_text(client, org):
    client.force_login(org.users["key_worker"])
    body = client.get("/").content.decode()
    assert 'href="/quality/"' in body and "Check a text" in body


@pytest.mark.django_db
def test_quality_fields_limits_the_check_to_the_named_fields(client, org):
    client.force_login(org.users["key_worker"])
    form = {"details": "Amber went home.", "start_time": "She may have been drinking."}
    limited = post_check(client, quality_fields="details, targets", **form).content.decode()
    assert 'data-testid="no-findings"' in limited
    everything = post_check(client, **form).content.decode()
    assert 'data-rule="opinion"' in everything


# -- bounded work and disclosure language (issues 14 and 19) -----------------------------------------


def _measured(fn):
    """(response, peak MB, CPU s): timed on its own, then run again under tracemalloc (which
    slows it threefold) for the memory, as bench/worst_case.py does."""
    import time
    import tracemalloc

    fn()  # the word list, the patterns and the session: once a process
    started = time.process_time()
    response = fn()
    cpu = time.process_time() - started
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return response, peak, cpu


@pytest.mark.django_db
def test_one_49990_letter_word_is_checked_within_the_budget(client, org):
    """Issue 14: this request once grew the worker to 23 GB and the kernel killed it."""
    client.force_login(org.users["key_worker"])
    word = "a" * 49_990
    response, peak_mb, cpu = _measured(lambda: post_check(client, child_id=org.child.pk, text=word))
    assert response.status_code == 200
    assert "longer than any word" in response.content.decode()
    assert peak_mb < 100 and cpu < 1.0, (peak_mb, cpu)


@pytest.mark.django_db
def test_sixteen_thousand_sentences_are_checked_and_shown_within_the_budget(client, org):
    """The slowest shape through the endpoint: a finding a sentence, 100 of them listed."""
    client.force_login(org.users["key_worker"])
    response, peak_mb, cpu = _measured(
        lambda: post_check(client, child_id=org.child.pk, text="a. " * 16_666)
    )
    assert response.status_code == 200
    assert "the first 100 of 16,666 are listed" in response.content.decode()
    assert peak_mb < 100 and cpu < 1.0, (peak_mb, cpu)


@pytest.mark.django_db
def test_the_check_page_refuses_more_than_it_checks_with_a_message(client, org):
    client.force_login(org.users["key_worker"])
    response = client.post(
        "/quality/", {"site_kind": "school", "text": "a " * 20_000, "targets": "b " * 10_001}
    )
    assert response.status_code == 200
    assert "the checker takes at most 50,000 at once" in response.content.decode()


@pytest.mark.django_db
def test_disclosure_language_is_a_suggestion_to_raise_a_concern(client, org):
    client.force_login(org.users["key_worker"])
    body = post_check(
        client, child_id=org.child.pk, text="He said “she hit me, don’t tell anyone”."
    ).content.decode()
    assert 'data-rule="safeguarding"' in body
    assert "Consider raising a safeguarding concern with the DSL." in body
    assert "Suggestion" in body and "Ready to submit" in body


@pytest.mark.django_db
def test_the_disclosure_list_is_edited_on_the_settings_page(client, org):
    client.force_login(org.users["manager"])
    page = client.get("/quality/settings/")
    assert "don&#x27;t tell anyone" in page.content.decode()  # the default list, shown to edit
    version = page.context["form"]["version"].value()
    response = client.post(
        "/quality/settings/",
        {
            "banned_phrases": "",
            "accepted_words": "",
            "disclosure_phrases": "he showed me\n\n  secret   photos ",
            "version": version,
        },
    )
    assert response.status_code == 302
    assert QualitySettings.objects.get().disclosure_list == ("he showed me", "secret photos")
    client.force_login(org.users["key_worker"])
    body = post_check(client, text="She said he showed me a video.").content.decode()
    assert 'data-rule="safeguarding"' in body
    assert 'data-rule="safeguarding"' not in post_check(client, text="He hit me.").content.decode()


@pytest.mark.django_db
def test_an_over_long_disclosure_list_is_refused_beside_the_field(client, org):
    client.force_login(org.users["manager"])
    version = client.get("/quality/settings/").context["form"]["version"].value()
    response = client.post(
        "/quality/settings/",
        {"disclosure_phrases": "hit me\n" * 9000, "version": version},
    )
    assert response.status_code == 200
    assert "This list is too long" in response.content.decode()
