"""A manager imports a 30-pupil CTF: upload, preview, commit; the pupils are on the children list."""

import pytest
from playwright.sync_api import expect

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from .ctf import ctf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_previews_then_commits_a_ctf(page, org, tmp_path):  # noqa: F811
    path = tmp_path / "801_4101_CTF_7001_001.xml"
    path.write_bytes(ctf())
    sign_in(page, org.users["manager"].username)
    page.get_by_role("link", name="Pupils").first.click()
    page.get_by_role("link", name="Import the roll").click()
    expect(page.get_by_role("heading", name="Import the roll from your MIS")).to_be_visible()
    page.get_by_label("Roll file").set_input_files(str(path))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", name="801_4101_CTF_7001_001.xml")).to_be_visible()
    expect(page.get_by_test_id("summary")).to_contain_text("30 new")
    expect(page.get_by_test_id("new")).to_contain_text("Dylan O'Neill")
    expect(page.get_by_text("In the product but not in this file (1)")).to_be_visible()
    page.screenshot(path="test-artifacts/roll-preview.png", full_page=True)
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("committed")).to_contain_text("30 new")
    page.screenshot(path="test-artifacts/roll-committed.png", full_page=True)
    page.get_by_role("link", name="Pupils").first.click()
    expect(page.get_by_text("31 found")).to_be_visible()
