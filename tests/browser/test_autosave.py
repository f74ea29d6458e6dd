"""Autosave on a competency's page, in a real Chromium: nothing a person
types is lost, however slow the server, however a save fails, and whoever
else answers at the same time."""

import datetime
import re
import time

import pytest
from playwright.sync_api import expect

from assessments import workflow
from assessments.models import Cycle, Organisation
from competencies.models import Question
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_journeys import expect_saved, leaving_is_questioned
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

N = 17  # the question these tests answer
SAVE = re.compile(r"/assessments/\d+/answers/\d+/$")
ACTION = "Publish the joint strategic needs assessment\nwith the council"


@pytest.fixture
def draft(framework):
    sha = Organisation.objects.create(code="Q30", name="North East SHA", kind="sha")
    pct = Organisation.objects.create(code="5D8", name="North Tyneside PCT", kind="pct", sha=sha)
    alice = make_person("alice", pct, "board_member")
    make_person("bob", pct, "board_member")
    return workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2008), user=alice)


def page_of(draft, number: int) -> str:
    return f"/assessments/{draft.pk}/answers/competencies/{Question.objects.get(number=number).competency.number}/"


def answer_no(draft, number: int):
    answer = draft.answers.get(question__number=number)
    answer.value = "no"
    answer.save()
    return answer


def state(page, number: int) -> str:
    return page.locator(f"#q{number}-state").inner_text()


def forget_failed_loads(page, status: int) -> None:
    """The browser logs each response a test made fail on purpose as an error."""
    page.console_errors[:] = [e for e in page.console_errors if f"status of {status}" not in e]


class HeldSaves:
    """Holds every save (a POST to a question's URL) for ``delay`` seconds,
    with Playwright's routing, the first ``failures`` of them answered 500.

    A route handler that slept would stop the whole test meanwhile, so the
    person could not type while a save is in flight: instead the handler
    keeps the route, and the test lets due saves go whenever it waits
    (``pause``, ``until``)."""

    def __init__(self, page, *, delay: float = 1.5, failures: int = 0):
        self.page, self.delay, self.failures = page, delay, failures
        self.held: list = []
        self.bodies: list[str] = []
        self.overlaps = 0  # a save sent while the same question's last is in flight
        page.route(SAVE, self._hold)

    def _hold(self, route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        self.overlaps += any(held.request.url == route.request.url for _, held in self.held)
        self.bodies.append(route.request.post_data or "")
        self.held.append((time.monotonic() + self.delay, route))

    def _release(self) -> None:
        now = time.monotonic()
        for due, route in [item for item in self.held if item[0] <= now]:
            self.held.remove((due, route))
            if self.failures:
                self.failures -= 1
                route.fulfill(status=500, content_type="text/html", body="<h1>Server error</h1>")
            else:
                route.continue_()

    def pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.page.wait_for_timeout(50)
            self._release()

    def until(self, expression: str, arg=None, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while not self.page.evaluate(expression, arg):
            assert time.monotonic() < end, f"Timed out waiting for {expression}: {state(self.page, N)!r}"
            self.page.wait_for_timeout(50)
            self._release()


def saved_and_settled(number: int) -> str:
    return (f"() => document.querySelector('#q{number}-state').textContent.includes('Saved at')"
            " && document.querySelector('#page-save-status').textContent === 'All changes saved.'")


def type_a_date_and_more(page, held: HeldSaves) -> None:
    """With the keyboard: a due date, box by box; then Yes (the action's
    fields follow into its details); an action; a status: 0.3 s apart."""
    page.locator(f"#id_q{N}-due_date_day").focus()
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert "finish the due date" in state(page, N)  # half a date is not sent
    page.keyboard.type("2009")
    held.pause(0.3)
    page.locator(f"#id_q{N}-value_0").check()
    held.pause(0.3)
    action = page.locator(f"#id_q{N}-action")
    expect(action).to_be_visible()  # in the Yes option's details, opened: it holds a date
    action.focus()
    page.keyboard.type(ACTION)
    held.pause(0.3)
    page.locator(f"#id_q{N}-action_status").select_option("in_progress")
    assert "Saving" in state(page, N)
    assert page.locator("#page-save-status").inner_text() == "1 question not saved."
    assert leaving_is_questioned(page)


def assert_all_stored(page, draft) -> None:
    """What was on screen is on the reloaded page, and in the database."""
    page.reload()
    assert page.locator(f"#id_q{N}-value_0").is_checked()
    assert page.locator(f"#id_q{N}-action").input_value() == ACTION
    assert [page.locator(f"#id_q{N}-due_date_{part}").input_value() for part in ("day", "month", "year")] == [
        "31", "3", "2009"]
    assert page.locator(f"#id_q{N}-action_status").input_value() == "in_progress"
    answer = draft.answers.get(question__number=N)
    assert (answer.value, answer.action.replace("\r\n", "\n"), answer.due_date, answer.action_status) == (
        "yes", ACTION, datetime.date(2009, 3, 31), "in_progress")
    assert answer.updated_by.username == "alice"


def test_changes_made_while_a_slow_save_is_in_flight_are_all_saved(page, draft):
    answer_no(draft, N)
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    held = HeldSaves(page)
    type_a_date_and_more(page, held)

    held.until(saved_and_settled(N))
    # One save at a time: the date, then everything changed meanwhile, at once.
    assert held.overlaps == 0
    assert len(held.bodies) == 2, held.bodies
    assert f"q{N}-due_date_year=2009" in held.bodies[0] and f"q{N}-value=no" in held.bodies[0]
    assert f"q{N}-value=yes" in held.bodies[1] and f"q{N}-action_status=in_progress" in held.bodies[1]
    assert page.locator("#progress-text").inner_text().startswith("1 of ")
    assert not leaving_is_questioned(page)
    assert_all_stored(page, draft)


def test_a_failed_save_says_so_and_try_again_saves_everything(page, draft):
    answer_no(draft, N)
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    held = HeldSaves(page, failures=1)
    type_a_date_and_more(page, held)

    held.until(f"() => document.querySelector('#q{N}-state').textContent.includes('Not saved: something went wrong')")
    held.pause(0.5)  # the changes made meanwhile wait for the person: not sent on their own
    assert len(held.bodies) == 1
    assert "Not saved" in state(page, N)
    assert page.locator("#page-save-status").inner_text() == "1 question not saved."
    assert leaving_is_questioned(page)
    assert draft.answers.get(question__number=N).due_date is None

    page.locator(f"#q{N}-state").get_by_role("button", name="Try again").click()
    held.until(saved_and_settled(N))
    forget_failed_loads(page, 500)
    assert_all_stored(page, draft)


def test_signed_out_in_another_tab_then_in_again_nothing_is_lost(page, draft):
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    other = page.context.new_page()
    other.goto("/assessments/")
    other.get_by_role("button", name="Log out").click()

    page.locator(f"#id_q{N}-value_1").check()
    page.keyboard.press("Tab")  # into the action the No revealed
    page.keyboard.type("Agree a protocol")
    page.keyboard.press("Tab")
    expect(page.locator(f"#q{N}-state")).to_contain_text(
        "Not saved: you have been signed out: sign in again in a new tab, then try again here.")
    expect(page.locator("#page-save-status")).to_contain_text("You have been signed out")
    assert leaving_is_questioned(page)

    log_in(other, "alice", PASSWORD)  # a new session, and a new CSRF token
    other.close()
    page.locator(f"#q{N}-state").get_by_role("button", name="Try again").click()
    expect_saved(page, N)
    forget_failed_loads(page, 401)
    page.reload()
    assert page.locator(f"#id_q{N}-value_1").is_checked()
    assert page.locator(f"#id_q{N}-action").input_value() == "Agree a protocol"
    answer = draft.answers.get(question__number=N)
    assert (answer.value, answer.action) == ("no", "Agree a protocol")


def open_as(browser, live_server, username: str, path: str):
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    other.set_default_timeout(10_000)
    log_in(other, username, PASSWORD)
    other.goto(path)
    return other


def test_a_colleagues_change_appears_unless_the_person_is_editing_it(page, draft, browser, live_server):
    mine = N + 1  # a question Alice is typing in when Bob changes it
    page.clock.install()  # so that the test can move the 30 seconds to the next look on
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    bob = open_as(browser, live_server, "bob", page_of(draft, N))
    for number in (N, mine):
        bob.locator(f"#id_q{number}-value_0").check()
        expect_saved(bob, number)
    page.locator(f"#id_q{mine}-value_1").check()
    page.keyboard.press("Tab")
    page.keyboard.type("Alice's action")

    page.clock.fast_forward(31_000)
    expect(page.locator(f"#q{N}-state")).to_contain_text("Changed by Bob at")
    expect(page.locator(f"#id_q{N}-value_0")).to_be_checked()
    assert page.locator(f"#id_q{N}-version").input_value() == "1"
    # Alice was at that one: her answer stays, and the conflict card asks.
    expect(page.locator(f"#q{mine}-conflict")).to_contain_text(f"Someone else changed question {mine}")
    assert page.locator(f"#id_q{mine}-value_1").is_checked()
    assert page.locator(f"#id_q{mine}-action").input_value() == "Alice's action"
    assert draft.answers.get(question__number=mine).value == "yes"

    # Bob's answer is now Alice's starting point: her change saves, no conflict.
    page.locator(f"#id_q{N}-value_1").check()
    expect(page.locator(f"#q{N}-state")).to_contain_text("Saved at")
    assert draft.answers.get(question__number=N).value == "no"
    bob.context.close()


def test_the_conflict_card_lets_the_person_use_or_keep_an_answer(page, draft, browser, live_server):
    kept = N + 1
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    bob = open_as(browser, live_server, "bob", page_of(draft, N))
    for number in (N, kept):
        bob.locator(f"#id_q{number}-value_0").check()
        expect_saved(bob, number)
    bob.context.close()

    saves = []
    page.on("request", lambda request: request.method == "POST" and saves.append(request.url))
    page.locator(f"#id_q{N}-value_1").check()
    card = page.locator(f"#q{N}-conflict")
    expect(card).to_contain_text(f"Someone else changed question {N}")
    expect(page.locator(f"#q{N}-state")).to_contain_text("Not saved: someone else changed this answer")
    check_accessibility(page)
    page.keyboard.press("Tab")
    page.keyboard.type("Alice's action")
    page.keyboard.press("Tab")
    page.wait_for_timeout(1000)
    assert len(saves) == 1  # nothing more is sent until Alice chooses
    assert leaving_is_questioned(page)

    card.get_by_role("button", name="Use my answer instead").click()
    expect_saved(page, N)
    expect(card).to_be_empty()
    answer = draft.answers.get(question__number=N)
    assert (answer.value, answer.action, answer.version, answer.updated_by.username) == (
        "no", "Alice's action", 2, "alice")

    page.locator(f"#id_q{kept}-value_1").check()
    card = page.locator(f"#q{kept}-conflict")
    card.get_by_role("button", name="Keep the saved answer").click()
    expect(card).to_be_empty()
    expect(page.locator(f"#q{kept}-state")).to_contain_text("Saved by Bob at")
    expect(page.locator(f"#id_q{kept}-value_0")).to_be_checked()
    assert not leaving_is_questioned(page)
    forget_failed_loads(page, 409)
    # What Alice now holds is the saved version: the page's plain POST agrees.
    page.get_by_role("button", name="Save and return to the task list").click()
    expect(page).to_have_url(re.compile(r"/answers/#competency-\d+$"))
    assert draft.answers.get(question__number=kept).value == "yes"


def test_an_invalid_date_is_explained_at_the_field_until_it_is_corrected(page, draft):
    answer_no(draft, N)
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    page.locator(f"#id_q{N}-due_date_day").focus()
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # out of the date, the year left empty: now it is sent
    expect(page.locator(f"#q{N}-state")).to_contain_text("Not saved: due date must include a year")
    field = page.locator(f"#div_id_q{N}-due_date")
    expect(field).to_have_class(re.compile("nhsuk-form-group--error"))
    expect(field.locator(".nhsuk-error-message")).to_have_text("Error: Due date must include a year")
    expect(page.locator(f"#id_q{N}-due_date_year")).to_have_class(re.compile("nhsuk-input--error"))
    described = page.locator(f"#div_id_q{N}-due_date fieldset").get_attribute("aria-describedby")
    assert f"id_q{N}-due_date-error" in described.split()
    check_accessibility(page)

    page.locator(f"#id_q{N}-due_date_year").fill("2009")
    page.keyboard.press("Tab")
    expect_saved(page, N)
    expect(field).not_to_have_class(re.compile("nhsuk-form-group--error"))
    assert field.locator(".nhsuk-error-message").count() == 0
    assert draft.answers.get(question__number=N).due_date == datetime.date(2009, 3, 31)
    forget_failed_loads(page, 400)


def test_carried_over_answers_are_confirmed_one_click_each(page, draft):
    alice, last_year = make_person("alice"), draft
    last_year.answers.update(value="yes")
    assert workflow.submit(assessment=last_year, user=alice) == []
    draft = workflow.start_assessment(pct=last_year.pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=alice, from_previous=True)
    log_in(page, "alice", PASSWORD)
    page.goto(page_of(draft, N))
    total = page.locator(".app-question").count()
    expect(page.locator("#progress-text")).to_have_text(f"0 of {total} answered, {total} carried over to confirm")

    page.locator(f"#id_q{N}-confirm").click()  # the box goes once saved: not .check()
    expect_saved(page, N)
    expect(page.locator(f"#q{N}-carried")).to_have_text("Confirmed")
    expect(page.locator("#progress-text")).to_have_text(
        f"1 of {total} answered, {total - 1} carried over to confirm")
    other = N + 1
    page.locator(f"#id_q{other}-value_1").check()  # changing one confirms it too
    expect_saved(page, other)
    expect(page.locator("#progress-text")).to_have_text(
        f"2 of {total} answered, {total - 2} carried over to confirm")
    assert list(draft.answers.filter(question__number__in=[N, other]).values_list("carried_over", flat=True)) == [
        False, False]
    assert draft.answers.filter(carried_over=True).count() == 110
    page.reload()
    assert page.locator(f"#q{N}-carried").count() == 0
