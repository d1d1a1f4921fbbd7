"""An organisation starts on its own: made by ``create_organisation``, its first admin adds a site,
invites a key worker and a manager, imports a 30-pupil CTF (preview, then commit) and allocates
the key worker to two of the pupils; the key worker joins through the link, enrols 2FA and sees
those pupils on home; the admin deactivates the manager, who is signed out at once. Screenshots in
test-artifacts/."""

import base64
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.oath import TOTP
from playwright.sync_api import expect

from people.models import Child, KeyWorkerAllocation
from people.upn import problem as upn_problem
from tenancy.context import organisation_scope
from tenancy.models import Membership, Organisation, Site

from ..roll.ctf import ctf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-new-password-42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/\S+/)")


def follow_invitation(page, link: str, first: str, last: str) -> None:
    """Open the link, choose a password, set up the authenticator, continue past the codes."""
    page.goto(link)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The password again").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("recovery-codes")).to_be_visible()
    page.get_by_role("link", name="I have saved them: continue").click()


def last_link_to(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return LINK.search(message.body)[1]


def open_menu(page, name: str, item: str) -> None:
    page.get_by_role("button", name=name).click()
    page.get_by_role("link", name=item).click()


def allocate(page, pupil: str, key_worker: str) -> None:
    """From the pupils list, find ``pupil`` and appoint ``key_worker`` on the child's page."""
    page.get_by_role("link", name="Pupils").first.click()
    page.get_by_label("Search").fill(pupil.split()[-1])
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=pupil).click()
    page.get_by_role("link", name="Appoint a key worker").click()
    # Each choice names the person with their caseload ("Kit Walker — 0 of 5").
    choice = page.get_by_label("Key worker").locator("option", has_text=key_worker).first
    page.get_by_label("Key worker").select_option(value=choice.get_attribute("value"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{key_worker} is now the key worker.")).to_be_visible()


def test_a_new_organisation_sets_itself_up(browser, live_server, tmp_path):
    expect.set_options(timeout=60_000)  # a loaded machine: the CTF preview and commit take a while
    mail.outbox = []
    call_command(
        "create_organisation",
        "Hollins Park Trust",
        admin="admin@hollins.example",
        base_url=live_server.url,
        stdout=io.StringIO(),
    )
    admin = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin.set_default_timeout(60_000)
    page = admin.new_page()

    # The first admin joins through the link the command sent.
    follow_invitation(page, last_link_to("admin@hollins.example"), "Ada", "Okoro")
    expect(page).to_have_url(f"{live_server.url}/")

    # A site, from the user menu.
    open_menu(page, "Ada Okoro", "Sites")
    expect(page.get_by_text("No sites yet")).to_be_visible()
    page.get_by_role("link", name="Add a school or children's home").click()
    page.get_by_label("Name").fill("Hollins Park School")
    page.get_by_label("Kind").select_option("school")
    page.get_by_label("DfE establishment number").fill("801/700")
    page.get_by_role("button", name="Add the site").click()
    expect(page.get_by_text("A DfE establishment number is 7 digits")).to_be_visible()
    page.get_by_label("DfE establishment number").fill("801/7001")
    page.get_by_role("button", name="Add the site").click()
    expect(page.get_by_test_id("sites")).to_contain_text("DfE 801/7001")
    page.screenshot(path="test-artifacts/onboarding-sites.png", full_page=True)

    # Invite a key worker and a manager.
    open_menu(page, "Ada Okoro", "Team and invitations")
    for first, last, email, role in (
        ("Kit", "Walker", "kit@hollins.example", "Key worker"),
        ("Mo", "Reid", "mo@hollins.example", "Manager"),
    ):
        page.get_by_role("link", name="Invite a member of staff").click()
        page.get_by_label("First name").fill(first)
        page.get_by_label("Last name").fill(last)
        page.get_by_label("Email").fill(email)
        page.get_by_role("group", name="Roles at Hollins Park School").get_by_label(role).check()
        if role == "Manager":
            page.screenshot(path="test-artifacts/onboarding-invite-form.png", full_page=True)
        page.get_by_role("button", name="Send the invitation").click()
        expect(page.get_by_test_id("invitations")).to_contain_text(email)
    page.screenshot(path="test-artifacts/onboarding-team-invitations.png", full_page=True)

    # The roll: a 30-pupil CTF addressed to the new school (DfE 801/7001), previewed, committed.
    roll_file = tmp_path / "801_4101_CTF_7001_001.xml"
    roll_file.write_bytes(ctf())
    page.get_by_role("link", name="Pupils").first.click()
    expect(page.get_by_text("0 found")).to_be_visible()
    page.get_by_role("link", name="Import the roll").click()
    expect(page.get_by_role("heading", name="Import the roll from your MIS")).to_be_visible()
    page.get_by_label("Roll file").set_input_files(str(roll_file))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", name="801_4101_CTF_7001_001.xml")).to_be_visible()
    expect(page.get_by_test_id("summary")).to_contain_text("30 new")
    expect(page.get_by_test_id("new")).to_contain_text("Dylan O'Neill")
    expect(page.get_by_text("In the product but not in this file (0)")).to_be_visible()
    page.screenshot(path="test-artifacts/onboarding-roll-preview.png", full_page=True)
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("committed")).to_contain_text("30 new")
    page.get_by_role("link", name="Pupils").first.click()
    expect(page.get_by_text("30 found")).to_be_visible()

    # The key worker follows their link, sets a password, enrols and lands on home: no pupils yet.
    worker = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    worker.set_default_timeout(60_000)
    kit = worker.new_page()
    follow_invitation(kit, last_link_to("kit@hollins.example"), "Kit", "Walker")
    expect(kit).to_have_url(f"{live_server.url}/")
    kit.get_by_role("button", name="Kit Walker").click()
    expect(kit.get_by_text("Key worker, Hollins Park School")).to_be_visible()
    expect(kit.get_by_text("You are not the key worker for anyone at the moment.")).to_be_visible()

    # Once they have joined, the admin allocates them two of the imported pupils.
    allocate(page, "Amara Okafor", "Kit Walker")
    allocate(page, "Dylan O'Neill", "Kit Walker")

    kit.goto("/")
    mine = kit.get_by_role("region", name="My pupils")
    expect(mine.get_by_role("link")).to_have_count(2)
    expect(mine).to_contain_text("Amara Okafor")
    expect(mine).to_contain_text("Dylan O'Neill")
    expect(mine).to_contain_text("Hollins Park School")
    kit.screenshot(path="test-artifacts/onboarding-key-worker-home.png", full_page=True)

    # The manager joins too, and is signed in when the admin deactivates them.
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other.set_default_timeout(60_000)
    mo = other.new_page()
    follow_invitation(mo, last_link_to("mo@hollins.example"), "Mo", "Reid")
    expect(mo).to_have_url(f"{live_server.url}/")

    open_menu(page, "Ada Okoro", "Team and invitations")
    expect(page.get_by_test_id("team")).to_contain_text("Mo Reid")
    page.get_by_role("link", name="Mo Reid").click()
    expect(page.get_by_role("heading", name="Change roles")).to_be_visible()
    page.screenshot(path="test-artifacts/onboarding-member.png", full_page=True)
    page.get_by_role("link", name="Deactivate…").click()
    page.get_by_label("I understand").check()
    page.screenshot(path="test-artifacts/onboarding-deactivate-form.png", full_page=True)
    page.get_by_role("button", name="Deactivate and sign out").click()
    expect(page.get_by_text("Mo Reid was deactivated and signed out")).to_be_visible()
    page.screenshot(path="test-artifacts/onboarding-deactivated.png", full_page=True)

    mo.goto("/")
    expect(mo).to_have_url(re.compile(r"/accounts/login/"))
    mo.screenshot(path="test-artifacts/onboarding-manager-signed-out.png", full_page=True)

    organisation = Organisation.objects.get(name="Hollins Park Trust")
    with organisation_scope(organisation.pk):
        site = Site.objects.get()
        assert set(
            Membership.objects.filter(site=site, is_active=True).values_list(
                "user__username", flat=True
            )
        ) == {"kit@hollins.example"}
        children = list(Child.objects.filter(site=site))
        assert len(children) == 30
        assert all(child.upn and upn_problem(child.upn) is None for child in children)
        assert set(
            KeyWorkerAllocation.objects.filter(
                staff__username="kit@hollins.example", ends_on__isnull=True
            ).values_list("child__first_name", flat=True)
        ) == {"Amara", "Dylan"}
    for context in (admin, worker, other):
        context.close()
