"""The account page: who the person is, and their reminder emails on or off."""

from django.urls import reverse

from assessments.models import EmailPreference

BOX = ('<input type="checkbox" name="reminders" class="nhsuk-checkboxes__input" aria-describedby="id_reminders-hint" '
       'id="id_reminders"{}>')


def test_the_account_page_shows_the_preference_ticked_by_default(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("account"))

    assert response.status_code == 200
    assert BOX.format(" checked") in response.text
    assert reverse("password_change") in response.text
    assert not EmailPreference.objects.exists()  # looking changes nothing


def test_turning_reminders_off_and_on_again(client, reviewer):
    client.force_login(reviewer)

    off = client.post(reverse("account"), {})  # the box unticked
    assert off.status_code == 302 and off["Location"] == reverse("account")
    assert EmailPreference.objects.get(user=reviewer).reminders is False
    page = client.get(reverse("account")).text
    assert "Reminder emails are off" in page and BOX.format("") in page

    client.post(reverse("account"), {"reminders": "on"})
    assert EmailPreference.objects.get(user=reviewer).reminders is True


def test_the_header_links_to_the_account_page(client, board_member):
    client.force_login(board_member)

    assert f'href="{reverse("account")}">Your account</a>' in client.get(reverse("assessments:list")).text
