import datetime
import io
import types
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans import selectors, services
from plans.exports import render_pdf, static_only_fetcher
from plans.models import Plan, PlanDocument, PlanType, PlanUpdateTask, PlanVersion
from plans.sections import DEFAULT_PLACEMENT_SECTIONS
from tenancy.access import Access
from tenancy.concurrency import EditConflict
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent, Membership, Role

from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory
from ..pdf import pdf_pages, pdf_text
from ..uploads import PDF_THEN_HTML, PNG_HEAD_ONLY, jpeg_bytes, png_bytes
from .factories import PDF_BYTES, PlanFactory, PlanUpdateTaskFactory, PlanVersionFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        yield


def access_for(user, world) -> Access:
    memberships = tuple(Membership.objects.filter(user=user).select_related("site"))
    return Access(user=user, organisation=world.org, memberships=memberships)


@pytest.fixture
def home(org):
    """A young person at the home: allocated to the home's key worker; a second home key worker
    who is not allocated, and a home manager."""
    child = ChildFactory(site=org.home, first_name="Amber", last_name="Homeley")
    kw = org.users["other_site_key_worker"]
    KeyWorkerAllocationFactory(child=child, staff=kw)
    colleague = UserFactory(first_name="Colleague", last_name="Home")
    MembershipFactory(user=colleague, site=org.home, role=Role.KEY_WORKER)
    manager = UserFactory(first_name="Home", last_name="Manager")
    MembershipFactory(user=manager, site=org.home, role=Role.MANAGER)
    return types.SimpleNamespace(child=child, kw=kw, colleague=colleague, manager=manager)


def placement_content(health="Needs a dental check.") -> dict:
    content = {
        key: {"needs": f"{title} needs", "actions": "Act"}
        for key, title in DEFAULT_PLACEMENT_SECTIONS
    }
    content["health"] = {"needs": health, "actions": "Book it.", "who": "Key worker"}
    return content


def publish_placement(world, home, health="Needs a dental check.", summary="Health updated."):
    access = access_for(home.kw, world)
    draft = services.plan_draft_start(
        access=access, child=home.child, plan_type=PlanType.PLACEMENT_PLAN
    )
    services.plan_draft_save(
        access=access,
        version=draft,
        expected_version=draft.version,
        content=placement_content(health),
        plan_date=TODAY(),
        next_review_date=TODAY() + datetime.timedelta(days=30),
        change_summary=summary,
    )
    services.plan_publish(access=access, version=draft, expected_version=draft.version)
    return draft


# ------------------------------------------------------------------ versions and tasks


@pytest.mark.django_db
def test_publishing_a_new_version_supersedes_the_old_and_closes_the_flag(org, home):
    first = publish_placement(org, home, health="Asthma.")
    task = PlanUpdateTaskFactory(child=home.child, created_by=home.kw)
    second = publish_placement(org, home, health="Asthma; dentist booked.", summary="Dentist.")
    first.refresh_from_db()
    second.refresh_from_db()
    task.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "current")
    assert (first.number, second.number) == (1, 2)
    assert second.content["health"]["needs"] == "Asthma; dentist booked."
    assert second.content["health"]["title"] == "Health"
    assert second.published_by == home.kw and second.change_summary == "Dentist."
    assert task.status == "done" and task.closed_by == home.kw
    assert "Version 2 published" in task.closed_note
    summaries = AuditEvent.objects.filter(object_type="plans.planversion").values_list(
        "summary", flat=True
    )
    assert "Superseded by version 2" in summaries


@pytest.mark.django_db
def test_a_new_draft_starts_from_the_current_version(org, home):
    publish_placement(org, home, health="Asthma.")
    draft = services.plan_draft_start(
        access=access_for(home.kw, org), child=home.child, plan_type=PlanType.PLACEMENT_PLAN
    )
    assert draft.status == "draft" and draft.number == 2
    assert draft.content["health"]["needs"] == "Asthma."
    again = services.plan_draft_start(
        access=access_for(home.manager, org), child=home.child, plan_type=PlanType.PLACEMENT_PLAN
    )
    assert again.pk == draft.pk  # one draft per plan


@pytest.mark.django_db
def test_publishing_with_empty_required_sections_is_refused_and_nothing_is_lost(org, home):
    access = access_for(home.kw, org)
    draft = services.plan_draft_start(
        access=access, child=home.child, plan_type=PlanType.PLACEMENT_PLAN
    )
    content = {"health": {"needs": "Inhaler", "actions": "Carry it"}}
    services.plan_draft_save(
        access=access,
        version=draft,
        expected_version=draft.version,
        content=content,
        plan_date=TODAY(),
        next_review_date=TODAY() + datetime.timedelta(days=5),
        change_summary="x",
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_publish(access=access, version=draft, expected_version=draft.version)
    assert "Education" in str(refused.value) and "Health" not in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.content["health"]["needs"] == "Inhaler"


@pytest.mark.django_db
def test_a_review_date_before_the_plan_date_is_refused(org, home):
    access = access_for(home.kw, org)
    draft = services.plan_draft_start(
        access=access, child=home.child, plan_type=PlanType.BEHAVIOUR_PLAN
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_draft_save(
            access=access,
            version=draft,
            expected_version=draft.version,
            content={},
            plan_date=TODAY(),
            next_review_date=TODAY() - datetime.timedelta(days=1),
        )
    assert "before the plan's date" in str(refused.value.message_dict["next_review_date"])


@pytest.mark.django_db
def test_two_people_saving_one_draft_the_second_is_refused(org, home):
    draft = services.plan_draft_start(
        access=access_for(home.kw, org), child=home.child, plan_type=PlanType.BEHAVIOUR_PLAN
    )
    seen = draft.version
    kwargs = dict(plan_date=TODAY(), next_review_date=None)
    services.plan_draft_save(
        access=access_for(home.kw, org),
        version=PlanVersion.objects.get(pk=draft.pk),
        expected_version=seen,
        content={"triggers": {"text": "Noise"}},
        **kwargs,
    )
    with pytest.raises(EditConflict):
        services.plan_draft_save(
            access=access_for(home.manager, org),
            version=PlanVersion.objects.get(pk=draft.pk),
            expected_version=seen,
            content={"triggers": {"text": "Crowds"}},
            **kwargs,
        )
    assert PlanVersion.objects.get(pk=draft.pk).content["triggers"]["text"] == "Noise"


@pytest.mark.django_db
def test_edit_conflict_shows_the_form_again_with_the_users_text(client, org, home):
    client.force_login(home.kw)
    url = f"/plans/child/{home.child.pk}/behaviour_plan/edit/"
    client.post(url, {"action": "start"})
    draft = PlanVersion.objects.get(plan__child=home.child, status="draft")
    data = {
        "version": draft.version,
        "plan_date": TODAY().isoformat(),
        "s__triggers__text": "Mine",
        "action": "save",
    }
    assert client.post(url, data).status_code == 302
    data["s__triggers__text"] = "Stale text I typed"
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record" in body and "Stale text I typed" in body
    draft.refresh_from_db()
    assert draft.content["triggers"]["text"] == "Mine"


@pytest.mark.django_db
def test_publish_through_the_page_closes_the_task_and_says_so(client, org, home):
    PlanUpdateTaskFactory(child=home.child, created_by=home.kw, details="Health section")
    client.force_login(home.kw)
    url = f"/plans/child/{home.child.pk}/placement_plan/edit/"
    client.post(url, {"action": "start"})
    draft = PlanVersion.objects.get(plan__child=home.child, status="draft")
    data = {"version": draft.version, "plan_date": TODAY().isoformat(), "action": "publish"}
    data["next_review_date"] = (TODAY() + datetime.timedelta(days=28)).isoformat()
    for key, _title in DEFAULT_PLACEMENT_SECTIONS:
        data[f"s__{key}__needs"] = f"{key} needs"
        data[f"s__{key}__actions"] = f"{key} actions"
    refused = client.post(url, data)  # no "what changed": saved as a draft, not published
    assert refused.status_code == 200
    assert "Say what changed" in refused.content.decode()
    assert "Your draft has been saved, but not published" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.content["health"]["needs"] == "health needs"
    data["version"] = draft.version
    data["change_summary"] = "Health: drug-service referral."
    response = client.post(url, data, follow=True)
    assert "1 update task closed" in response.content.decode()
    assert PlanUpdateTask.objects.get(child=home.child).status == "done"


@pytest.mark.django_db
def test_bad_dates_on_the_page_get_a_message_beside_the_field(client, org, home):
    client.force_login(home.kw)
    url = f"/plans/child/{home.child.pk}/behaviour_plan/edit/"
    client.post(url, {"action": "start"})
    draft = PlanVersion.objects.get(plan__child=home.child, status="draft")
    response = client.post(
        url,
        {
            "version": draft.version,
            "plan_date": TODAY().isoformat(),
            "next_review_date": (TODAY() - datetime.timedelta(days=3)).isoformat(),
            "s__triggers__text": "Kept",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["next_review_date"]
    assert "Kept" in response.content.decode()


# ------------------------------------------------------------------ who sees what


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,risk,placement",
    [
        ("kw", 200, 200),  # the allocated key worker
        ("colleague", 403, 200),  # another key worker at the home: no risk details
        ("manager", 200, 200),
        ("moderator", 403, 200),
        ("org_admin", 200, 200),
        ("school_key_worker", 404, 404),  # another site: the child does not exist for them
    ],
)
def test_risk_assessment_and_bmp_are_narrower_than_the_placement_plan(
    client, org, home, who, risk, placement
):
    moderator = UserFactory()
    MembershipFactory(user=moderator, site=org.home, role=Role.MODERATOR)
    users = {
        "kw": home.kw,
        "colleague": home.colleague,
        "manager": home.manager,
        "moderator": moderator,
        "org_admin": org.users["org_admin"],
        "school_key_worker": org.users["key_worker"],
    }
    client.force_login(users[who])
    base = f"/plans/child/{home.child.pk}/"
    assert client.get(base + "risk_assessment/").status_code == risk
    assert client.get(base + "behaviour_plan/").status_code == risk
    assert client.get(base + "placement_plan/").status_code == placement
    if placement == 200:
        page = client.get(base).context["page"]
        visible = {c.plan_type: c.visible for c in page.cards}
        assert visible["risk_assessment"] is (risk == 200)
        assert visible["placement_plan"] is True


@pytest.mark.django_db
def test_cover_key_worker_sees_the_risk_assessment(client, org, home):
    cover = UserFactory()
    MembershipFactory(user=cover, site=org.home)
    KeyWorkerAllocationFactory(
        child=home.child,
        staff=cover,
        kind="cover",
        reason="planned_absence",
        starts_on=TODAY(),
        ends_on=TODAY() + datetime.timedelta(days=7),
    )
    client.force_login(cover)
    assert client.get(f"/plans/child/{home.child.pk}/risk_assessment/").status_code == 200


@pytest.mark.django_db
def test_only_the_key_worker_and_managers_write_plans(client, org, home):
    client.force_login(home.colleague)
    url = f"/plans/child/{home.child.pk}/placement_plan/edit/"
    assert client.post(url, {"action": "start"}).status_code == 403
    assert not Plan.objects.filter(child=home.child).exists()


@pytest.mark.django_db
def test_a_shared_pupil_on_a_page_is_open_to_every_staff_member_of_the_site(client, org):
    plan = PlanFactory(child=org.child, plan_type=PlanType.PUPIL_ON_A_PAGE)
    PlanVersionFactory(plan=plan, content={"like": {"text": "Loves trains"}})
    url = f"/plans/child/{org.child.pk}/pupil_on_a_page/"
    colleague = UserFactory()
    MembershipFactory(user=colleague, site=org.school)
    client.force_login(colleague)
    assert client.get(url).status_code == 403  # not shared yet
    client.force_login(org.users["key_worker"])
    client.post(url + "share/", {"shared": "1"})
    plan.refresh_from_db()
    assert plan.shared_with_staff
    for user in (colleague, org.users["moderator"]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "Loves trains" in response.content.decode()
    client.force_login(colleague)
    assert client.post(url + "share/", {"shared": "0"}).status_code == 403  # sharing is theirs


@pytest.mark.django_db
def test_an_unpublished_pupil_on_a_page_cannot_be_shared(org):
    plan = PlanFactory(child=org.child, plan_type=PlanType.PUPIL_ON_A_PAGE)
    with pytest.raises(ValidationError):
        services.plan_share(access=access_for(org.users["manager"], org), plan=plan, shared=True)


# ------------------------------------------------------------------ uploads


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Positive handling plan")
    document.save(buffer)
    return buffer.getvalue()


def upload(client, child, name, content, content_type="application/pdf", kind="other"):
    return client.post(
        f"/plans/child/{child.pk}/documents/add/",
        {
            "kind": kind,
            "title": "A document",
            "document_date": TODAY().isoformat(),
            "file": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("report.pdf", PDF_BYTES, "application/pdf"),
        ("plan.docx", None, "application/octet-stream"),
        ("photo.png", png_bytes(), "image/png"),
        ("photo.jpg", jpeg_bytes(), "image/jpeg"),
    ],
)
def test_pdf_docx_and_images_are_accepted_by_their_content(
    client, org, name, content, content_type
):
    client.force_login(org.users["key_worker"])
    content = content if content is not None else docx_bytes()
    response = upload(client, org.child, name, content, content_type)
    assert response.status_code == 302
    document = PlanDocument.objects.filter(child=org.child).order_by("-pk").first()
    assert document.original_name == name and document.size == len(content)
    assert document.file.name.startswith(f"plans/documents/{org.org.pk}/{org.child.pk}/")
    assert "report" not in document.file.name  # our name, never the uploader's


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("lies.pdf", b"MZ\x90\x00 this is an executable", "application/pdf"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("archive.docx", None, "application/vnd.openxmlformats"),  # a zip, not a Word file
        ("empty.pdf", b"", "application/pdf"),
        # Issue 14.8: a PDF header followed by HTML, and an image that is only a header.
        ("report.pdf", PDF_THEN_HTML, "application/pdf"),
        ("photo.png", PNG_HEAD_ONLY, "image/png"),
    ],
)
def test_uploads_that_lie_about_their_type_are_refused(client, org, name, content, content_type):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("notes.txt", "hello")
        content = buffer.getvalue()
    client.force_login(org.users["key_worker"])
    before = PlanDocument.objects.count()
    response = upload(client, org.child, name, content, content_type)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert PlanDocument.objects.count() == before


@pytest.mark.django_db
def test_an_upload_over_ten_megabytes_is_refused_without_reading_it_all(client, org):
    client.force_login(org.users["key_worker"])
    big = PDF_BYTES + b"0" * (11 * 1024 * 1024)
    response = upload(client, org.child, "big.pdf", big)
    assert response.status_code == 200
    assert "the limit is 10 MB" in str(response.context["form"].errors["file"])
    assert not PlanDocument.objects.filter(original_name="big.pdf").exists()


@pytest.mark.django_db
def test_the_service_refuses_a_file_just_over_the_limit_too(org):
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * services.MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError) as refused:
        services.document_upload(
            access=access_for(org.users["key_worker"], org),
            child=org.child,
            kind="other",
            title="Big",
            document_date=TODAY(),
            upload=big,
        )
    assert "the limit is 10 MB" in str(refused.value.message_dict["file"])


@pytest.mark.django_db
def test_the_upload_form_still_needs_its_csrf_token(org):
    from accounts.testing import VerifiedClient

    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(org.users["key_worker"])
    response = upload(client, org.child, "report.pdf", PDF_BYTES)
    assert response.status_code == 403
    assert not PlanDocument.objects.filter(original_name="report.pdf").exists()


@pytest.mark.django_db
def test_documents_open_only_after_the_access_check_and_each_read_is_audited(client, org):
    client.force_login(org.users["key_worker"])
    upload(client, org.child, "care.pdf", PDF_BYTES, kind="signs_of_safety")
    narrow = PlanDocument.objects.get(kind="signs_of_safety")
    url = f"/plans/child/{org.child.pk}/documents/{narrow.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        object_type="plans.plandocument", object_id=narrow.pk, action="view"
    ).exists()
    client.force_login(org.users["moderator"])  # site staff, not allocated: narrow kind refused
    assert client.get(url).status_code == 403
    broad = org.document  # a positive handling plan: open to the site's staff
    assert client.get(f"/plans/child/{org.child.pk}/documents/{broad.pk}/").status_code == 200
    client.force_login(org.users["other_site_key_worker"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_retracted_document_is_hidden_but_kept(client, org):
    client.force_login(org.users["key_worker"])
    url = f"/plans/child/{org.child.pk}/documents/{org.document.pk}/hide/"
    version = org.document.version
    assert client.post(url, {"reason": "", "version": version}).status_code == 200  # a reason
    # The version the page showed is required (tenancy.records): without it nothing is hidden.
    assert client.post(url, {"reason": "Wrong child's file"}).status_code == 200
    org.document.refresh_from_db()
    assert org.document.retracted_at is None
    response = client.post(url, {"reason": "Wrong child's file", "version": version})
    assert response.status_code == 302
    org.document.refresh_from_db()
    assert org.document.retracted_at and org.document.retraction_reason == "Wrong child's file"
    page = client.get(f"/plans/child/{org.child.pk}/").context["page"]
    assert org.document not in page.documents


# ------------------------------------------------------------------ PDFs


@pytest.mark.django_db
def test_a_plan_pdf_holds_its_sections_and_is_audited(client, org, home):
    publish_placement(org, home, health="Inhaler at all times.")
    version = PlanVersion.objects.get(plan__child=home.child, status="current")
    client.force_login(home.kw)
    response = client.get(f"/plans/child/{home.child.pk}/placement_plan/versions/{version.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for words in (
        "Placement Plan: Amber Homeley",
        "Health",
        "Inhaler at all times.",
        "Self-care and independence skills",
        "What changed: Health updated.",
    ):
        assert words in text
    assert AuditEvent.objects.filter(object_id=version.pk, action="export").count() == 1


@pytest.mark.django_db
def test_pupil_on_a_page_fits_one_page_however_long(client, org):
    plan = PlanFactory(child=org.child, plan_type=PlanType.PUPIL_ON_A_PAGE)
    long = "I like trains and buses and being on time. " * 60
    version = PlanVersionFactory(
        plan=plan,
        content={
            "like": {"title": "What people like and admire about me", "text": long},
            "matters": {"title": "What is important to me", "text": long},
            "support": {"title": "How best to support me", "text": long},
        },
    )
    client.force_login(org.users["key_worker"])
    response = client.get(f"/plans/child/{org.child.pk}/pupil_on_a_page/versions/{version.pk}/pdf/")
    text = pdf_text(response.content)
    assert "How best to support me" in text and "I like trains" in text
    assert len(pdf_pages(response.content)) == 1


def test_the_pdf_fetcher_reads_only_the_projects_static_files():
    fetcher = static_only_fetcher()
    for url in (
        "https://example.org/tracker.png",
        "file:///etc/passwd",
        "/static/../../etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch("/static/favicon.svg")
    assert b"<svg" in response.read()
    response.close()
    document = render_pdf(
        '<img src="https://example.org/x.png"><img src="favicon.svg"><p>Still renders</p>'
    )
    assert len(document.pages) == 1


# ------------------------------------------------------------------ selectors for other apps


@pytest.mark.django_db
def test_review_dates_give_every_plan_of_every_child_for_the_compliance_engine(org, home):
    publish_placement(org, home)
    rows = selectors.review_dates(child_ids=[home.child.pk, org.child.pk])
    by_key = {(r.child_id, r.plan_type): r for r in rows}
    placement = by_key[(home.child.pk, "placement_plan")]
    assert placement.next_review_date == TODAY() + datetime.timedelta(days=30)
    assert by_key[(home.child.pk, "risk_assessment")].next_review_date is None  # not written
    assert by_key[(org.child.pk, "iep")].version_id == org.plan_version.pk
    assert {r.plan_type for r in rows if r.child_id == org.child.pk} == {
        "ehcp",
        "iep",
        "pupil_on_a_page",
    }


@pytest.mark.django_db
def test_review_dates_run_a_fixed_number_of_queries(org, django_assert_num_queries):
    for _ in range(5):
        child = ChildFactory(site=org.school)
        PlanVersionFactory(plan=PlanFactory(child=child))
    # 1 the children with their sites, 2 the current versions with their plans.
    with django_assert_num_queries(2):
        rows = selectors.review_dates()
    assert len(rows) == 6 * 3


@pytest.mark.django_db
def test_sessions_and_targets_can_link_to_an_ehcp_outcome_or_a_placement_section(org, home):
    plan = PlanFactory(child=org.child, plan_type=PlanType.EHCP)
    content = services.normalise_content(
        PlanType.EHCP, {"E": {"items": [{"outcome": "Read fluently"}, {"outcome": ""}]}}
    )
    PlanVersionFactory(plan=plan, content=content)
    ref = content["E"]["items"][0]["ref"]
    assert len(content["E"]["items"]) == 1 and len(ref) == 8
    assert selectors.link_choices(org.child) == [(f"ehcp:E:{ref}", "EHCP outcome: Read fluently")]
    choices = dict(selectors.link_choices(home.child))
    assert choices["placement_plan:health"] == "Placement Plan: Health"


@pytest.mark.django_db
def test_an_organisation_renames_placement_sections_and_old_versions_keep_theirs(client, org, home):
    publish_placement(org, home)
    client.force_login(org.users["manager"])
    assert client.get("/plans/sections/").status_code == 403
    client.force_login(org.users["org_admin"])
    titles = "Health and wellbeing\nEducation\nStaying safe"
    assert client.post("/plans/sections/", {"titles": titles}).status_code == 302
    keys = [key for key, _ in selectors.placement_titles()]
    assert keys == ["health-and-wellbeing", "education", "staying-safe"]
    old = PlanVersion.objects.get(plan__child=home.child, status="current")
    page = client.get(f"/plans/child/{home.child.pk}/placement_plan/")
    titles_shown = [b["title"] for b in page.context["blocks"]]
    assert "Health" in titles_shown and "Self-care and independence skills" in titles_shown
    assert old.content["identity"]["title"] == "Identity and social presentation"


def _answer(monkeypatch, *handlers):
    """Apps answering the Monthly Review's ``plans.month_records`` (``tenancy.hooks.collect``)
    as well as, or instead of (``replace=True`` first), the installed ones, for one test."""
    from tenancy import hooks

    found = list(hooks._handlers.get(selectors.MONTH_RECORDS, []))
    if handlers and handlers[0] == "replace":
        found, handlers = [], handlers[1:]
    found += [(f"test.{handler.__name__}", handler) for handler in handlers]
    monkeypatch.setitem(hooks._handlers, selectors.MONTH_RECORDS, found)


def _review_text(org, home) -> dict:
    draft = services.plan_draft_start(
        access=access_for(home.kw, org), child=home.child, plan_type=PlanType.MONTHLY_REVIEW
    )
    return draft.content


@pytest.mark.django_db
def test_the_monthly_review_is_prefilled_from_the_months_sessions(org, home):
    """The sessions app answers the review's question (a hook, not an import of a higher app):
    this month's submitted sessions, oldest first; not a draft, not last month's."""
    from tenancy.hooks import subscriptions

    from ..sessions_app.factories import KeyWorkSessionFactory

    assert subscriptions()[selectors.MONTH_RECORDS] == ["sessions_app.month_records"]
    first = TODAY().replace(day=1)
    for day, title, status in (
        (first, "Cannabis and staying safe", "submitted"),
        (first, "Zoë’s football trials", "signed_off"),
        (first, "Still a draft", "draft"),
        (first - datetime.timedelta(days=1), "Last month", "submitted"),
    ):
        KeyWorkSessionFactory(
            child=home.child, author=home.kw, date=day, title=title, status=status
        )
    text = _review_text(org, home)["records"]["text"]
    assert text.splitlines() == [
        "Key-work sessions (2):",
        f"- {first:%d %b}: Cannabis and staying safe",
        f"- {first:%d %b}: Zoë’s football trials",
    ]


@pytest.mark.django_db
def test_the_monthly_reviews_sources_keep_their_order_and_fill_the_sections_they_served(
    org, home, monkeypatch
):
    first = TODAY().replace(day=1)

    def contacts_first(*, child, start, end):
        assert (child, start) == (home.child, first) and end.month == first.month
        return [
            ("contacts", [types.SimpleNamespace(date=start, summary="Dentist booked",
                                                plan_link="placement_plan:health")]),
            ("incidents", [types.SimpleNamespace(occurred_on=start, title="Door slammed",
                                                 plan_links=["placement_plan:emotional-behavioural"])]),
        ]  # fmt: skip

    _answer(monkeypatch, contacts_first)
    content = _review_text(org, home)
    text = content["records"]["text"]
    assert text.splitlines() == [
        "Key-work sessions (0):",
        "Incidents (1):",
        f"- {first:%d %b}: Door slammed",
        "Contacts (1):",
        f"- {first:%d %b}: Dentist booked",
    ]
    assert content["health"]["text"] == f"Sessions this month:\n- {first:%d %b}: Dentist booked"
    assert content["emotional-behavioural"]["text"].endswith("Door slammed")
    assert content["education"]["text"] == ""


@pytest.mark.django_db
def test_the_monthly_review_degrades_to_empty_when_no_app_answers(org, home, monkeypatch):
    _answer(monkeypatch, "replace")
    first = TODAY().replace(day=1)
    assert _review_text(org, home)["records"]["text"].startswith(
        f"No sessions, incidents, contacts or attendance recorded between {first:%d %B} and"
    )


@pytest.mark.django_db
def test_a_failing_reader_leaves_its_part_of_the_monthly_review_empty(
    org, home, monkeypatch, caplog
):
    def contacts_half_built(*, child, start, end):
        raise RuntimeError("contacts app half-built")

    _answer(monkeypatch, contacts_half_built)
    text = _review_text(org, home)["records"]["text"]
    assert text.startswith("Key-work sessions (0):") and "Contacts" not in text
    assert "contacts_half_built for plans.month_records failed" in caplog.text


@pytest.mark.django_db
def test_the_pupil_on_a_page_is_built_from_the_ehcp_and_iep(org):
    ehcp = PlanFactory(child=org.child, plan_type=PlanType.EHCP)
    PlanVersionFactory(
        plan=ehcp,
        content={
            "A": {"text": "Loves drawing."},
            "F": {"items": [{"provision": "Quiet space"}]},
        },
    )
    org.plan_version.content = {"targets": {"items": [{"target": "Read daily"}]}}
    org.plan_version.save()
    draft = services.plan_draft_start(
        access=access_for(org.users["key_worker"], org),
        child=org.child,
        plan_type=PlanType.PUPIL_ON_A_PAGE,
    )
    assert draft.content["like"]["text"] == "Loves drawing."
    assert draft.content["matters"]["text"] == "- Read daily"
    assert draft.content["support"]["text"] == "- Quiet space"


# ------------------------------------------------------------------ health and clothing


@pytest.mark.django_db
def test_health_and_clothing_are_kept_for_young_people_and_refuse_bad_input(client, org, home):
    client.force_login(home.kw)
    base = f"/plans/child/{home.child.pk}/"
    future = (TODAY() + datetime.timedelta(days=2)).isoformat()
    bad = client.post(
        base + "clothing/", {"bought_on": future, "items": "Coat", "amount": "-3", "shop": ""}
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    ok = client.post(
        base + "clothing/",
        {"bought_on": TODAY().isoformat(), "items": "Coat", "amount": "40.00", "shop": ""},
    )
    assert ok.status_code == 302
    client.post(
        base + "health/registration/",
        {"kind": "gp", "practice": "Riverside", "phone": "", "registered_on": TODAY().isoformat()},
    )
    client.post(base + "health/appointment/", {"kind": "lac_health", "due_on": future, "notes": ""})
    page = client.get(base).context["page"]
    assert [c.items for c in page.clothing] == ["Coat"]
    assert [r.practice for r in page.registrations] == ["Riverside"]
    assert [a.get_kind_display() for a in page.appointments] == ["LAC health assessment"]
    client.force_login(org.users["key_worker"])
    assert client.get(f"/plans/child/{org.child.pk}/clothing/").status_code == 404  # a school


# ------------------------------------------------------------------ query counts


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_task_list_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    PlanUpdateTaskFactory(child=org.child, created_by=org.users["key_worker"])
    small = queries(client, "/plans/tasks/")
    for _ in range(12):
        child = ChildFactory(site=org.school)
        PlanUpdateTaskFactory(child=child, plan_type="iep", created_by=UserFactory())
    # 1 savepoint, 2 user, 3 count for the paginator, 4 the page of
    # tasks with their children, sites and authors, 5 release savepoint.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(5):
        response = client.get("/plans/tasks/")
    assert small == 5
    assert response.context["page"].paginator.count == 13


@pytest.mark.django_db
def test_the_task_list_shows_a_key_worker_only_their_own_children(client, org):
    mine = PlanUpdateTaskFactory(child=org.child, created_by=org.users["key_worker"])
    other_child = ChildFactory(site=org.school)
    PlanUpdateTaskFactory(child=other_child, created_by=org.users["manager"])
    client.force_login(org.users["key_worker"])
    assert list(client.get("/plans/tasks/").context["page"].object_list) == [mine]
    client.force_login(org.users["manager"])
    assert client.get("/plans/tasks/").context["page"].paginator.count == 2


@pytest.mark.django_db
def test_a_childs_plans_page_runs_a_fixed_number_of_queries(
    client, org, home, django_assert_num_queries
):
    client.force_login(home.manager)
    url = f"/plans/child/{home.child.pk}/"
    publish_placement(org, home)
    small = queries(client, url)
    for plan_type in ("risk_assessment", "behaviour_plan", "monthly_review"):
        PlanVersionFactory(plan=PlanFactory(child=home.child, plan_type=plan_type))
    for _ in range(3):
        PlanUpdateTaskFactory(child=home.child, created_by=home.kw, details="again")
    # 1 savepoint, 2 user, 3 the child with its site, 4 current
    # allocations, 5 plans, 6 their draft and current versions, 7 open tasks, 8 documents,
    # 9 health registrations, 10 appointments, 11 clothing, 12 the audit read entry, 13 release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(13):
        client.get(url)
    assert small == 13


@pytest.mark.django_db
def test_a_plan_page_runs_a_fixed_number_of_queries(client, org, home, django_assert_num_queries):
    client.force_login(home.kw)
    url = f"/plans/child/{home.child.pk}/placement_plan/"
    publish_placement(org, home)
    small = queries(client, url)
    for _ in range(4):
        publish_placement(org, home, summary="Again")
    # 1 savepoint, 2 user, 3 the child with its site, 4 the child's
    # audit read entry, 5 the plan, 6 current allocations, 7 count of versions, 8 the page of
    # versions with authors, 9 the draft, 10 open tasks, 11 the plan's audit read entry,
    # 12 placement section titles, 13 release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(13):
        client.get(url)
    assert small == 13


@pytest.mark.django_db
def test_recording_an_appointment_attended_refuses_a_stale_edit(client, org, home):
    from plans.models import HealthAppointment

    from .factories import HealthAppointmentFactory

    appointment = HealthAppointmentFactory(child=home.child, created_by=home.kw)
    url = f"/plans/child/{home.child.pk}/health/appointment/{appointment.pk}/"
    client.force_login(home.kw)
    data = {
        "version": appointment.version,
        "kind": "dentist",
        "due_on": appointment.due_on.isoformat(),
        "attended_on": TODAY().isoformat(),
        "notes": "Check-up done.",
    }
    assert client.post(url, data).status_code == 302
    data["notes"] = "My stale note"
    stale = client.post(url, data)
    assert stale.status_code == 200 and "My stale note" in stale.content.decode()
    assert "Someone else saved this record" in stale.content.decode()
    saved = HealthAppointment.objects.get(pk=appointment.pk)
    assert saved.attended_on == TODAY() and saved.notes == "Check-up done."
    client.force_login(home.colleague)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_reviews_due_list_overdue_first_in_a_fixed_number_of_queries(
    client, org, django_assert_num_queries
):
    client.force_login(org.users["manager"])
    org.plan_version.next_review_date = TODAY() + datetime.timedelta(days=3)
    org.plan_version.save()
    later = PlanVersionFactory(
        plan=PlanFactory(child=org.child, plan_type=PlanType.EHCP),
        next_review_date=TODAY() + datetime.timedelta(days=200),
    )
    small = queries(client, "/plans/reviews/")
    overdue = []
    for _ in range(8):
        child = ChildFactory(site=org.school)
        overdue.append(
            PlanVersionFactory(
                plan=PlanFactory(child=child),
                plan_date=TODAY() - datetime.timedelta(days=60),
                next_review_date=TODAY() - datetime.timedelta(days=2),
            )
        )
    # 1 savepoint, 2 user, 3 count for the paginator, 4 the page of
    # versions with their plans, children and sites, 5 release savepoint.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(5):
        response = client.get("/plans/reviews/")
    assert small == 5
    rows = list(response.context["page"].object_list)
    assert rows[-1] == org.plan_version and later not in rows and len(rows) == 9
    client.force_login(org.users["moderator"])  # looks after no child's plans
    assert client.get("/plans/reviews/").context["page"].paginator.count == 0


@pytest.mark.django_db
def test_a_version_page_names_the_sections_that_changed(client, org, home):
    publish_placement(org, home, health="Asthma.")
    second = publish_placement(org, home, health="Asthma; dentist booked.", summary="Dentist")
    client.force_login(home.manager)
    response = client.get(f"/plans/child/{home.child.pk}/placement_plan/versions/{second.pk}/")
    assert response.context["changed"] == ["Health"]
    assert "Sections changed since version 1:" in response.content.decode()


@pytest.mark.django_db
def test_a_stored_link_reads_back_and_survives_the_outcome_going(org):
    plan = PlanFactory(child=org.child, plan_type=PlanType.EHCP)
    PlanVersionFactory(plan=plan, content={"E": {"items": [{"ref": "abc", "outcome": "Read"}]}})
    assert selectors.link_label(org.child, "ehcp:E:abc") == "EHCP outcome: Read"
    assert "no longer in the plan" in selectors.link_label(org.child, "ehcp:E:gone")


@pytest.mark.django_db
def test_appointments_due_leave_out_those_attended(org, home):
    from .factories import HealthAppointmentFactory

    due = HealthAppointmentFactory(child=home.child, kind="lac_health", created_by=home.kw)
    HealthAppointmentFactory(child=home.child, attended_on=TODAY(), created_by=home.kw)
    assert list(selectors.appointments_due(site_ids=[org.home.pk])) == [due]


@pytest.mark.django_db
def test_a_risk_shows_its_rating_in_words(client, org, home):
    plan = PlanFactory(child=home.child, plan_type=PlanType.RISK_ASSESSMENT)
    content = services.normalise_content(
        PlanType.RISK_ASSESSMENT,
        {
            "risks": {
                "items": [
                    {
                        "risk": "Going missing",
                        "likelihood": "4",
                        "impact": "5",
                        "control_measures": "Check-ins",
                    }
                ]
            }
        },
    )
    PlanVersionFactory(plan=plan, content=content)
    client.force_login(home.kw)
    body = client.get(f"/plans/child/{home.child.pk}/risk_assessment/").content.decode()
    assert "20 of 25 (high)" in body and "4 – high" in body and "5 – very high" in body
    labels = [
        label
        for label, _ in client.get(f"/plans/child/{home.child.pk}/risk_assessment/").context[
            "blocks"
        ][0]["items"][0]
    ]
    assert labels == ["Risk", "Likelihood", "Impact", "Risk rating", "Control measures"]


@pytest.mark.django_db
def test_a_new_ehcp_draft_has_its_annual_review_and_paperwork_dates(org):
    draft = services.plan_draft_start(
        access=access_for(org.users["manager"], org), child=org.child, plan_type=PlanType.EHCP
    )
    assert draft.next_review_date == TODAY() + datetime.timedelta(days=365)
    assert draft.paperwork_deadline == draft.next_review_date - datetime.timedelta(days=14)
    with pytest.raises(ValidationError) as refused:
        services.plan_draft_save(
            access=access_for(org.users["manager"], org),
            version=draft,
            expected_version=draft.version,
            content={},
            plan_date=TODAY(),
            next_review_date=draft.next_review_date,
            paperwork_deadline=draft.next_review_date + datetime.timedelta(days=1),
        )
    assert "paperwork_deadline" in refused.value.message_dict


@pytest.mark.django_db
def test_placement_sections_refuse_duplicates_and_the_monthly_reviews_own_names(client, org):
    client.force_login(org.users["org_admin"])
    for titles in ("Health\nhealth", "Health\nSummary", ""):
        response = client.post("/plans/sections/", {"titles": titles})
        assert response.status_code == 200 and response.context["form"].errors["titles"]
    assert [key for key, _ in selectors.placement_titles()][0] == "health"
