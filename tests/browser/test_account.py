"""The account page in the browser: reached from the header, reminders turned
off by keyboard, with axe-core."""

import pytest

from assessments.models import EmailPreference
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_turns_reminder_emails_off_from_their_account_page(page):
    person = make_person("alice", first_name="Alice", last_name="Smith", email="alice@example.org")
    log_in(page, "alice", PASSWORD)
    page.get_by_role("link", name="Your account").click()
    page.wait_for_load_state()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)

    box = page.get_by_label("Send me reminder emails")
    assert box.is_checked()
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_load_state()

    assert "Reminder emails are off." in page.locator("main").inner_text()
    assert not page.get_by_label("Send me reminder emails").is_checked()
    assert EmailPreference.objects.get(user=person).reminders is False
    check_accessibility(page)
