"""The top navigation gathered from the apps: one item marked as the current page."""

import pytest


def active_items(response) -> list[str]:
    """The current page's item, inside its dropdown where it has one."""
    found = []
    for item in response.context["nav_items"]:
        for entry in item.get("children", [item]):
            if entry["active"]:
                found.append(entry["label"])
    return found


@pytest.mark.django_db
def test_one_item_is_current_even_when_two_prefixes_match(client, org):
    client.force_login(org.users["manager"])
    attendance = client.get("/behaviour/attendance/")
    assert active_items(attendance) == ["Attendance"]
    top_bar = attendance.content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    assert top_bar.count('aria-current="page"') == 1
    assert active_items(client.get("/behaviour/")) == ["Slips"]
    # The badges (counts rendered in the page) are offered to every signed-in member.
    badges = client.get("/behaviour/").context["nav_badges"]
    assert [b["label"] for b in badges] == ["Overdue", "Alerts"]
