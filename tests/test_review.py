"""Reviewing: the worksheet of the SHA's levels beside the answers', returning, accepting."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import challenges, workflow
from assessments.models import Answer, Assessment, CompetencyReview, EvidenceReference, LevelBand, Transition
from assessments.scorecards import load_bands
from assessments.scoring import level_for
from competencies.models import Competency, EvidenceItem, Question, Theme
from tests.conftest import make_person
from tests.factories import review_every_competency

pytestmark = pytest.mark.django_db

# Competency numbers in number order, and the theme each is under in the framework.
THEME_RUNS = ["Local leadership", "Choosing interventions", "Understanding the problem in your area and "
              "setting local goals", "Choosing interventions", "Monitoring and evaluation", "Choosing interventions"]


def review_url(assessment, name="review", *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def typed(**levels) -> dict:
    """The worksheet's POST: {number: (level, reason)}, e.g. typed(c1=("2", "Thin")); every
    other competency sent blank, as the page sends it."""
    data = {}
    for number in range(1, 12):
        level, reason = levels.get(f"c{number}", ("", ""))
        data[f"c{number}-reason"] = reason
        if level:
            data[f"c{number}-level"] = level
    return data


def section(html: str, number: int) -> str:
    start = html.index(f'id="competency-{number}"')
    end = html.find('<section id="competency-', start + 1)
    return html[start:end if end != -1 else None]


def checked(html: str, number: int) -> str | None:
    match = re.search(rf'name="c{number}-level" type="radio" value="(\d)"[^>]* checked', html)
    return match and match.group(1)


def test_the_worksheet_shows_the_competencies_in_number_order_under_their_themes(client, reviewer, submitted):
    client.force_login(reviewer)

    html = client.get(review_url(submitted)).text

    headings = re.findall(r'id="competency-(\d+)-heading">', html)
    assert headings == [str(n) for n in range(1, 12)]
    themes = re.findall(r'<h2><span class="nhsuk-caption-m">Theme</span> ([^<]+)</h2>', html)
    assert themes == THEME_RUNS
    # Each theme heading comes right before its first competency.
    assert html.index("Theme</span> Monitoring and evaluation") < html.index('id="competency-10"') < html.index(
        "Theme</span> Choosing interventions", html.index("Theme</span> Monitoring"))


def test_each_competency_shows_its_level_counts_no_answers_and_evidence(client, reviewer, board_member, draft):
    from tests.conftest import fill

    fill(draft)
    item = EvidenceItem.objects.filter(competency__number=4).first()
    workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=item.pk, title="Clinical forum minutes",
                          reference="Board papers, May 2008, item 7")
    answer = draft.answers.get(question__number=Question.objects.filter(competency__number=4).first().number)
    answer.value, answer.action, answer.owner = "no", "Set up a clinical senate", "Medical Director"
    answer.due_date = datetime.date(2009, 6, 30)
    answer.save()
    assert workflow.submit(assessment=draft, user=board_member) == []
    client.force_login(reviewer)

    html = client.get(review_url(draft)).text

    bands = load_bands()
    for competency in Competency.objects.all():
        part = section(html, competency.number)
        answers = draft.answers.filter(competency=competency).select_related("question")
        yes = answers.filter(value="yes").count()
        no = answers.filter(value="no").count()
        band = level_for(100 * yes / answers.count(), bands)
        assert f"<strong>{band.level} {band.name}</strong>" in part
        assert f"{yes} Yes, {no} No, of {answers.count()} questions" in part
        for no_answer in answers.filter(value="no"):
            assert f"<strong>Question {no_answer.question.number}.</strong>" in part
            assert no_answer.action in part
        for yes_answer in answers.filter(value="yes"):
            assert f"<strong>Question {yes_answer.question.number}.</strong>" not in part
        assert f"Your level for {competency.short_title}" in part
        assert part.count('type="radio"') == 4
    four = section(html, 4)
    assert "Set up a clinical senate" in four and "Owner: Medical Director" in four and "Due: 30 June 2009" in four
    assert "Clinical forum minutes" in four and "Board papers, May 2008, item 7" in four and item.text in four
    assert "Clinical forum minutes" not in section(html, 3)
    # The evidence reference every assessment of the factories has is elsewhere.
    assert "No evidence references for this competency." in section(html, 2)


def test_the_levels_are_named_from_the_bands(client, reviewer, submitted):
    LevelBand.objects.filter(level=4).update(name="Exemplary")
    client.force_login(reviewer)

    html = client.get(review_url(submitted)).text

    labels = re.findall(r'for="id_c1-level_\d">([^<]+)</label>', html)
    assert labels == ["1 Emerging", "2 Developing", "3 Established", "4 Exemplary"]
    assert html.count('type="radio"') == 44


def test_save_all_saves_every_level_given(client, reviewer, submitted):
    client.force_login(reviewer)
    data = typed(**{f"c{n}": (str(1 + n % 4), f"Reason {n}") for n in range(1, 12)})

    response = client.post(review_url(submitted, "record_reviews"), data)

    assert response.status_code == 302
    assert response["Location"].endswith(review_url(submitted) + "#levels")
    saved = {r.competency.number: (r.level, r.reason, r.reviewer) for r in CompetencyReview.objects.all()}
    assert saved == {n: (1 + n % 4, f"Reason {n}", reviewer) for n in range(1, 12)}
    page = client.get(review_url(submitted)).text
    assert "Your levels for 11 competencies are recorded." in page
    assert "<strong>11 of 11</strong>" in page
    assert checked(page, 3) == "4" and "Reason 3</textarea>" in page


def test_save_all_saves_the_valid_levels_and_shows_the_others_errors_at_their_fields(client, reviewer, submitted):
    client.force_login(reviewer)
    data = typed(c1=("2", "Little engagement"), c2=("7", "Kept reason"), c3=("3", ""), c5=("", "Why not yet"))

    response = client.post(review_url(submitted, "record_reviews"), data)

    assert response.status_code == 400
    html = response.text
    assert html.count('class="nhsuk-error-summary"') == 1
    summary = html[html.index("nhsuk-error-summary"):html.index("</ul>", html.index("nhsuk-error-summary"))]
    assert re.findall(r'href="([^"]+)"', summary) == ["#id_c2-level_0", "#id_c3-reason", "#id_c5-level_0"]
    assert "Select a valid choice for Work with community partners: a level from 1 to 4." in summary
    assert "Say why you give Engage with public and patients this level." in summary
    assert 'id="div_id_c2-level" class="nhsuk-form-group nhsuk-form-group--error"' in html
    assert 'id="div_id_c3-reason" class="nhsuk-form-group nhsuk-form-group--error"' in html
    assert "nhsuk-form-group--error" not in section(html, 1) + section(html, 4)
    # Nothing typed is lost.
    assert "Kept reason</textarea>" in html and checked(html, 3) == "3" and "Why not yet</textarea>" in html
    assert html.startswith("<!DOCTYPE") and "<title>Error: " in html
    assert list(CompetencyReview.objects.values_list("competency__number", "level", "reason")) == [
        (1, 2, "Little engagement")]


def test_saving_one_competency_keeps_what_was_typed_for_the_others(client, reviewer, submitted):
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=4), user=reviewer,
                           level=1, reason="Saved before")
    client.force_login(reviewer)
    data = typed(c1=("3", "Typed, not saved"), c2=("2", "Save this one"), c3=("", "Half typed"),
                 c4=("2", "Changed, not saved"))

    response = client.post(review_url(submitted, "record_reviews"), {**data, "only": "2"})

    assert response.status_code == 200
    html = response.text
    assert "Your level for “Work with community partners” is recorded." in html
    assert list(CompetencyReview.objects.values_list("competency__number", "level", "reason")) == [
        (2, 2, "Save this one"), (4, 1, "Saved before")]
    assert checked(html, 1) == "3" and "Typed, not saved</textarea>" in html
    assert "Half typed</textarea>" in html and checked(html, 3) is None
    assert checked(html, 4) == "2" and "Changed, not saved</textarea>" in html
    assert "nhsuk-error" not in html


def test_saving_one_competency_with_a_mistake_shows_it_and_keeps_the_rest(client, reviewer, submitted):
    client.force_login(reviewer)
    data = typed(c1=("3", "Typed, not saved"), c2=("2", ""))

    response = client.post(review_url(submitted, "record_reviews"), {**data, "only": "2"})

    assert response.status_code == 400
    html = response.text
    assert 'href="#id_c2-reason"' in html and "Say why you give Work with community partners this level." in html
    assert checked(html, 1) == "3" and "Typed, not saved</textarea>" in html
    assert "nhsuk-form-group--error" not in section(html, 1)
    assert not CompetencyReview.objects.exists()


def test_saving_again_what_is_saved_changes_nothing(client, reviewer, submitted):
    client.force_login(reviewer)
    data = typed(c1=("2", "Thin evidence"))
    client.post(review_url(submitted, "record_reviews"), data)

    response = client.post(review_url(submitted, "record_reviews"), data, follow=True)

    assert "Nothing has changed" in response.text
    assert CompetencyReview.history.filter(assessment_id=submitted.pk).count() == 1


@pytest.mark.parametrize("only", ["12", "0", "x", ""])
def test_saving_a_competency_that_does_not_exist_is_404(client, reviewer, submitted, only):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "record_reviews"), {**typed(c1=("2", "x")), "only": only})

    assert response.status_code == 404
    assert not CompetencyReview.objects.exists()


@pytest.mark.parametrize("data, message", [
    ({"c1-level": "7", "c1-reason": "x"}, "Select a valid choice for Locally lead the NHS: a level from 1 to 4."),
    ({"c1-level": "", "c1-reason": "x"}, "Choose your level for Locally lead the NHS, from 1 to 4."),
    ({"c1-level": "2", "c1-reason": "x" * 2001}, "must be 2,000 characters or fewer"),
])
def test_a_review_needs_a_level_and_a_reason(client, reviewer, submitted, data, message):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "record_reviews"), data)

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#id_c1-level_0"' in response.text or 'href="#id_c1-reason"' in response.text
    assert message in response.text
    assert not CompetencyReview.objects.exists()


def test_accepting_is_refused_until_every_competency_has_a_level(client, reviewer, submitted):
    for number in (1, 2, 5, 11):
        workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=number),
                               user=reviewer, level=2, reason="Fair")
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "accept"), {"accept-comment": "Thank you."})

    assert response.status_code == 400
    html = response.text
    assert "The assessment cannot be accepted yet" in html
    assert "7 competencies still need your level and reason. Nothing has been accepted." in html
    summary = html[html.index("nhsuk-error-summary"):html.index("</ul>", html.index("nhsuk-error-summary"))]
    missing = [3, 4, 6, 7, 8, 9, 10]
    assert re.findall(r'href="#id_c(\d+)-level_0"', summary) == [str(n) for n in missing]
    for number in missing:
        assert f"{Competency.objects.get(number=number)}: record your level and reason" in summary
    for number in missing:
        assert f'id="id_c{number}-level_0"' in html  # each link has its field
    assert "Thank you.</textarea>" in html  # the comment typed is kept
    assert Assessment.objects.get(pk=submitted.pk).status == "submitted"
    assert not Transition.objects.filter(assessment=submitted, to_status="accepted").exists()


def test_accepting_works_once_all_eleven_levels_are_saved(client, reviewer, submitted):
    client.force_login(reviewer)
    data = typed(**{f"c{n}": ("3", "Well evidenced") for n in range(1, 12)})
    assert client.post(review_url(submitted, "record_reviews"), data).status_code == 302

    response = client.post(review_url(submitted, "accept"), {"accept-comment": ""})

    assert response.status_code == 302
    assert Assessment.objects.get(pk=submitted.pk).status == "accepted"


def test_the_service_refuses_to_accept_without_every_level(reviewer, submitted):
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=1), user=reviewer,
                           level=2, reason="Fair")

    with pytest.raises(workflow.ReviewsMissing) as refused:
        workflow.accept(assessment=submitted, user=reviewer)

    assert [c.number for c in refused.value.missing] == list(range(2, 12))
    assert refused.value.status == 400
    assert submitted.status == "submitted"
    assert Assessment.objects.get(pk=submitted.pk).status == "submitted"
    review_every_competency(submitted, reviewer)
    workflow.accept(assessment=submitted, user=reviewer)
    assert Assessment.objects.get(pk=submitted.pk).status == "accepted"


def test_returning_needs_a_comment(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "return"), {"return-comment": "  "})

    assert response.status_code == 400
    assert "Say what the PCT needs to change." in response.text
    assert 'href="#id_return-comment"' in response.text
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_returning_needs_no_levels(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "return"), {"return-comment": "Look at question 3."})

    assert response.status_code == 302
    assert Assessment.objects.get(pk=submitted.pk).status == "returned"


def test_the_pct_sees_the_reviewers_levels_only_once_returned(client, board_member, reviewer,
                                                              submitted):
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=3),
                           user=reviewer, level=2, reason="Little evidence <script>x</script>")
    client.force_login(board_member)
    detail = review_url(submitted, "detail")
    activity = review_url(submitted, "activity")

    assert "Little evidence" not in client.get(detail).text
    assert "Little evidence" not in client.get(activity).text
    client.force_login(reviewer)
    assert "Little evidence &lt;script&gt;x&lt;/script&gt;" in client.get(detail).text
    assert "Little evidence" in client.get(activity).text
    assert "Little evidence &lt;script&gt;x&lt;/script&gt;" in client.get(review_url(submitted)).text

    response = client.post(review_url(submitted, "return"),
                           {"return-comment": "Show evidence for competency 3."})

    assert response.status_code == 302
    client.force_login(board_member)
    page = client.get(detail).text
    assert 'nhsuk-card--warning' in page and "Returned by the SHA" in page
    assert "Show evidence for competency 3." in page
    assert "Level 2" in page and "Little evidence &lt;script&gt;x&lt;/script&gt;" in page
    assert "Little evidence" in client.get(activity).text


def test_return_resubmit_accept_and_the_timeline(client, board_member, reviewer, submitted):
    client.force_login(reviewer)
    assert client.post(review_url(submitted, "return"),
                       {"return-comment": "Question 30 needs another look."}).status_code == 302
    client.force_login(board_member)
    answer = submitted.answers.get(question__number=30)
    response = client.post(reverse("assessments:save_answer", args=[submitted.pk, 30]), {
        "q30-value": "no", "q30-action": "Review the plan", "q30-owner": "Chair",
        "q30-due_date_day": "31", "q30-due_date_month": "3", "q30-due_date_year": "2009",
        "q30-action_status": "open", "q30-version": answer.version,
    })
    assert response.status_code == 200
    assert client.post(review_url(submitted, "submit")).status_code == 302
    client.force_login(reviewer)
    review_every_competency(submitted, reviewer)

    response = client.post(review_url(submitted, "accept"), {"accept-comment": "Thank you."})

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "accepted" and submitted.accepted_at
    assert list(submitted.transitions.values_list("from_status", "to_status")) == [
        ("draft", "draft"), ("draft", "submitted"), ("submitted", "returned"),
        ("returned", "submitted"), ("submitted", "accepted")]
    timeline = client.get(review_url(submitted, "detail")).text
    timeline = timeline[timeline.index("<h2>Timeline</h2>"):]
    for step in ["Started as draft", "Draft → Submitted", "Submitted → Returned",
                 "Returned → Submitted", "Submitted → Accepted"]:
        assert step in timeline
    assert timeline.count("by Alice") == 3 and timeline.count("by Rita") == 2
    assert "Question 30 needs another look." in timeline and "Thank you." in timeline


def test_nothing_more_is_decided_once_accepted(client, reviewer, submitted):
    review_every_competency(submitted, reviewer)
    client.force_login(reviewer)
    assert client.post(review_url(submitted, "accept"), {"accept-comment": ""}).status_code == 302
    before = CompetencyReview.history.count()

    again = client.post(review_url(submitted, "accept"), {"accept-comment": ""})
    returned = client.post(review_url(submitted, "return"), {"return-comment": "Too late"})
    level = client.post(review_url(submitted, "record_reviews"), typed(c1=("1", "Too late")))

    assert again.status_code == returned.status_code == level.status_code == 409
    assert "Only a submitted assessment can be accepted." in again.text
    assert "Levels can be recorded only while the assessment is submitted." in level.text
    assert Assessment.objects.get(pk=submitted.pk).status == "accepted"
    assert CompetencyReview.history.count() == before
    page = client.get(review_url(submitted)).text
    assert "Accept the assessment" not in page and "levels and decisions can be recorded only" in page
    assert 'type="radio"' not in page and "Save all levels" not in page
    assert "<strong>2 Developing</strong> (Rita" in page


def test_only_the_shas_reviewers_review(client, board_member, other_board_member, reviewer,
                                        other_reviewer, admin_user, submitted):
    cases = [(board_member, 403), (admin_user, 403), (other_board_member, 404),
             (other_reviewer, 404)]
    for person, status in cases:
        client.force_login(person)
        assert client.get(review_url(submitted)).status_code == status
        assert client.post(review_url(submitted, "record_reviews"), typed(c1=("1", "x"))).status_code == status
        assert client.post(review_url(submitted, "record_reviews"),
                           {**typed(c1=("1", "x")), "only": "1"}).status_code == status
        assert client.post(review_url(submitted, "return"),
                           {"return-comment": "x"}).status_code == status
        assert client.post(review_url(submitted, "accept"), {}).status_code == status
    assert Assessment.objects.get(pk=submitted.pk).status == "submitted"
    assert not CompetencyReview.objects.exists()


def test_a_reviewer_cannot_review_a_draft(client, reviewer, draft):
    client.force_login(reviewer)

    assert client.get(review_url(draft)).status_code == 404
    assert client.post(review_url(draft, "record_reviews"), typed(c1=("1", "x"))).status_code == 404
    assert client.post(review_url(draft, "accept"), {}).status_code == 404


def test_the_worksheet_of_a_returned_assessment_counts_its_answers_now(client, board_member, reviewer, submitted):
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again")
    Answer.objects.filter(assessment=submitted, competency__number=1).update(value="yes", action="")
    client.force_login(reviewer)

    html = client.get(review_url(submitted)).text

    assert "No question answered No." in section(html, 1)
    assert "<strong>4 World class</strong>, 100%" in section(html, 1)


def _retitle_a_theme(submitted, reviewer):
    Theme.objects.filter(title="Local leadership").update(title="Leading locally")
    return "Theme</span> Leading locally"


def _rename_the_reviewer(submitted, reviewer):
    get_user_model().objects.filter(pk=reviewer.pk).update(first_name="Rhiannon")
    return "(Rhiannon, "


def _change_an_evidence_note(submitted, reviewer):
    EvidenceReference.objects.filter(assessment=submitted).update(note="Minutes of the May board")
    return "Minutes of the May board"


def _challenge_an_answer(submitted, reviewer):
    challenges.raise_challenge(assessment=submitted, number=3, user=reviewer, note="Not in the minutes.")
    return "Not in the minutes."


def _return_it(submitted, reviewer):
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again")
    return "Challenged answers"  # no forms once it is returned


@pytest.mark.parametrize("change", [
    _retitle_a_theme, _rename_the_reviewer, _change_an_evidence_note, _challenge_an_answer, _return_it,
])
def test_the_worksheet_cached_whole_follows_what_it_shows(client, reviewer, submitted, change):
    """The worksheet as saved is cached whole, under a key naming every part:
    a change behind the page's back shows at once."""
    EvidenceReference.objects.create(assessment=submitted, evidence_item=EvidenceItem.objects.first(),
                                     title="Board minutes")
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=1), user=reviewer,
                           level=3, reason="Seen the minutes")
    client.force_login(reviewer)
    before = client.get(review_url(submitted)).text
    assert client.get(review_url(submitted)).text.count("competency-") == before.count("competency-")

    shown = change(submitted, reviewer)

    html = client.get(review_url(submitted)).text
    assert html.count(shown) > before.count(shown)


def test_the_worksheet_cached_whole_is_each_reviewers_own(client, reviewer, sha, submitted):
    """Only the reviewer who raised a challenge may withdraw it: another of
    the SHA's reviewers is not shown that reviewer's button."""
    challenges.raise_challenge(assessment=submitted, number=3, user=reviewer, note="Not in the minutes.")
    colleague = make_person("ravi", sha, "reviewer")
    withdraw = "Withdraw your challenge to question 3"
    client.force_login(reviewer)
    assert withdraw in client.get(review_url(submitted)).text

    client.force_login(colleague)
    html = client.get(review_url(submitted)).text

    assert "Not in the minutes." in html and withdraw not in html


def test_review_page_query_count(client, reviewer, submitted, django_assert_num_queries):
    client.force_login(reviewer)
    # session, user, membership, assessment, bands, competencies with their
    # themes, reviews with their reviewers (a submitted assessment keeps its
    # scores: no answers' values to count), every answer with its question
    # (for the answers No and the challenges), the evidence references with
    # their items, the challenges with their people
    with django_assert_num_queries(10):
        client.get(review_url(submitted))
    review_every_competency(submitted, reviewer)
    with django_assert_num_queries(10):
        client.get(review_url(submitted))


def test_the_cached_parts_of_the_worksheet_follow_what_they_show(client, board_member, reviewer, submitted):
    """The worksheet caches each competency's answers and each unbound form:
    their keys name everything they show."""
    client.force_login(reviewer)
    first = client.get(review_url(submitted)).text
    assert "4 World class</label>" in first

    LevelBand.objects.filter(level=4).update(name="Exemplary")
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=1), user=reviewer,
                           level=3, reason="Recorded since")
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again")
    number = Question.objects.filter(competency__number=2).order_by("number").first().number
    answer = submitted.answers.get(question__number=number)
    answer.value, answer.action, answer.owner = "no", "A new action since", "Chair"
    answer.due_date = datetime.date(2009, 9, 30)
    answer.save()
    assert workflow.submit(assessment=submitted, user=board_member) == []

    html = client.get(review_url(submitted)).text

    assert "4 Exemplary</label>" in html and "4 World class" not in html
    assert checked(html, 1) == "3" and "Recorded since</textarea>" in html
    assert "<strong>3 Established</strong> (Rita" in section(html, 1)
    assert "A new action since" in section(html, 2)
