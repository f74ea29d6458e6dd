"""The SHA comparison: matrix, mean and median, ranks and sorting, trends,
weakest questions, the national view, a board member's reduced view, access
and query counts.

Competency 1 ("Locally lead the NHS") is questions 17–24 (8 questions),
competency 2 questions 25–33 (9), competency 5 questions 1–6 (6); the default
level bands start at 0, 40, 65 and 85%.
"""

import datetime

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Answer, Assessment, Cycle, Organisation, SubmissionDeadline
from reports import comparison
from tests.conftest import make_person
from tests.factories import accept

pytestmark = pytest.mark.django_db

C1, C2, C5 = 0, 1, 4  # positions in the matrix's competencies (numbers 1, 2, 5)
COMPETENCY_1 = set(range(17, 25))
COMPETENCY_2 = set(range(25, 34))


def submit_with(pct, cycle, user, *, no: set[int], focus: str = "", action: str = "Agree a plan",
                accept_by=None) -> Assessment:
    """An assessment of ``pct`` answering No to the questions numbered in ``no``
    (each with an action), Yes to the rest, submitted (and accepted by ``accept_by``)."""
    assessment = workflow.start_assessment(pct=pct, cycle=cycle, user=user, focus=focus)
    answers = list(assessment.answers.select_related("question"))
    for answer in answers:
        said_no = answer.question.number in no
        answer.value = "no" if said_no else "yes"
        answer.action, answer.owner = (action, "Director of Commissioning") if said_no else ("", "")
        answer.due_date = datetime.date(2009, 3, 31) if said_no else None
    Answer.objects.bulk_update(answers, ["value", "action", "owner", "due_date"])
    assert workflow.submit(assessment=assessment, user=user) == []
    if accept_by is not None:
        accept(assessment, accept_by)
    return assessment


@pytest.fixture
def gateshead(sha):
    return Organisation.objects.create(code="5KG", name="Gateshead PCT", kind="pct", sha=sha)


@pytest.fixture
def hartlepool(sha):
    """A PCT of the SHA that has submitted nothing."""
    return Organisation.objects.create(code="5D9", name="Hartlepool PCT", kind="pct", sha=sha)


@pytest.fixture
def sha_data(pct, sibling_pct, gateshead, hartlepool, cycle, board_member, other_board_member,
             reviewer):
    """Three PCTs that submitted, with hand-computed scores, and one that did not.

    North Tyneside: No to 17, 18 and 1: competency 1 6/8 = 75%, competency 5 5/6 = 83.3%.
    Sunderland: No to 17–20 and 1–3: competency 1 4/8 = 50%, competency 5 3/6 = 50%.
    Gateshead: No to 17 and all of 25–33: competency 1 7/8 = 87.5%, competency 2 0%.
    """
    north_tyneside = submit_with(pct, cycle, board_member, no={17, 18, 1}, accept_by=reviewer)
    sunderland = submit_with(sibling_pct, cycle, other_board_member, no={17, 18, 19, 20, 1, 2, 3})
    gates = submit_with(gateshead, cycle, make_person("gill", gateshead, "board_member"),
                        no={17} | COMPETENCY_2)
    return {"5D8": north_tyneside, "5KF": sunderland, "5KG": gates}


def build(sha, cycle, **options) -> comparison.Matrix:
    return comparison.build_matrix(comparison.Basis(Organisation.objects.filter(sha=sha)), cycle,
                                   **options)


OVERALL = {
    "5D8": (75 + 500 / 6 + 9 * 100) / 11,   # 96.2
    "5KF": (50 + 50 + 9 * 100) / 11,        # 90.9
    "5KG": (87.5 + 0 + 9 * 100) / 11,       # 89.8
}


def test_matrix_values_match_hand_computed_scores(sha_data, sha, cycle):
    matrix = build(sha, cycle)

    rows = {r.pct.code: r for r in matrix.rows}
    assert [c.number for c in matrix.competencies] == list(range(1, 12))
    assert rows["5D8"].cells[C1].percent == 75
    assert rows["5D8"].cells[C5].percent == pytest.approx(500 / 6)
    assert rows["5D8"].cells[C5].whole == 83
    assert rows["5KF"].cells[C1].percent == 50 and rows["5KF"].cells[C5].percent == 50
    assert rows["5KG"].cells[C1].percent == 87.5 and rows["5KG"].cells[C2].percent == 0
    for code, overall in OVERALL.items():
        assert rows[code].overall.percent == pytest.approx(overall)
    assert [rows["5D8"].cells[C1].level.level, rows["5KF"].cells[C1].level.level,
            rows["5KG"].cells[C1].level.level, rows["5KG"].cells[C2].level.level] == [3, 2, 4, 1]
    assert rows["5D8"].overall.level.level == 4
    assert (rows["5D8"].rank, rows["5KF"].rank, rows["5KG"].rank) == (1, 2, 3)
    assert rows["5D9"].assessment is None and rows["5D9"].rank is None and rows["5D9"].cells == []
    assert len(matrix.reported) == 3


def test_mean_and_median(sha_data, sha, cycle):
    matrix = build(sha, cycle)

    assert matrix.mean.count == matrix.median.count == 3  # the PCT with nothing submitted left out
    assert matrix.mean.cells[C1].percent == pytest.approx((75 + 50 + 87.5) / 3)
    assert matrix.median.cells[C1].percent == 75
    assert matrix.mean.cells[C2].percent == pytest.approx(200 / 3)
    assert matrix.median.cells[C2].percent == 100
    assert matrix.mean.cells[C5].percent == pytest.approx((500 / 6 + 50 + 100) / 3)
    assert matrix.median.cells[C5].percent == pytest.approx(500 / 6)
    assert matrix.mean.overall.percent == pytest.approx(sum(OVERALL.values()) / 3)
    assert matrix.median.overall.percent == pytest.approx(OVERALL["5KF"])
    assert matrix.median.cells[C2].level.level == 4 and matrix.mean.cells[C2].level.level == 3


def test_only_whole_organisation_assessments_are_compared(pct, sibling_pct, cycle, board_member,
                                                         other_board_member, sha):
    focused = submit_with(pct, cycle, board_member, no=COMPETENCY_1, focus="Obesity strategy")
    whole = submit_with(pct, cycle, board_member, no=set())
    # Sunderland has only a focus assessment: it is listed apart, not ranked.
    alone = submit_with(sibling_pct, cycle, other_board_member, no=set(), focus="Dental services")

    matrix = build(sha, cycle)

    rows = {r.pct.code: r for r in matrix.rows}
    assert rows["5D8"].assessment.pk == whole.pk and rows["5D8"].rank == 1
    assert rows["5KF"].assessment is None and rows["5KF"].rank is None and not rows["5KF"].returned
    assert matrix.mean.count == 1 and matrix.mean.cells[C1].percent == 100
    assert [(f.pct.code, f.assessment.pk) for f in matrix.focused] == [("5D8", focused.pk),
                                                                        ("5KF", alone.pk)]
    assert matrix.focused[0].cells[C1].percent == 0 and matrix.focused[1].overall.percent == 100


def test_focus_assessments_are_left_out_of_the_trend(pct, cycle, board_member, sha):
    submit_with(pct, cycle, board_member, no=COMPETENCY_1, focus="Obesity strategy")
    whole = submit_with(pct, Cycle.objects.create(start_year=2009), board_member, no=set())

    basis = comparison.Basis(Organisation.objects.filter(sha=sha))
    points = comparison.trend(basis)

    assert [p.mean.count for p in points] == [0, 1]
    assert basis.cycle(None) == whole.cycle


def test_a_returned_assessment_is_shown_as_returned(pct, sibling_pct, cycle, board_member,
                                                    other_board_member, reviewer, sha):
    assessment = submit_with(pct, cycle, board_member, no=set())
    workflow.return_to_pct(assessment=assessment, user=reviewer, comment="Add evidence.")
    workflow.start_assessment(pct=sibling_pct, cycle=cycle, user=other_board_member)  # a draft

    rows = {r.pct.code: r for r in build(sha, cycle).rows}

    assert rows["5D8"].assessment is None and rows["5D8"].returned
    assert rows["5KF"].assessment is None and not rows["5KF"].returned


def test_equal_overall_scores_share_a_rank(pct, sibling_pct, gateshead, cycle, board_member,
                                           other_board_member, sha):
    submit_with(pct, cycle, board_member, no={1})
    submit_with(sibling_pct, cycle, other_board_member, no={2})  # the same score, another question
    submit_with(gateshead, cycle, make_person("gill", gateshead, "board_member"), no={1, 2, 3})

    rows = {r.pct.code: r for r in build(sha, cycle).rows}

    assert (rows["5D8"].rank, rows["5KF"].rank, rows["5KG"].rank) == (1, 1, 3)
    assert rows["5D8"].tied and not rows["5KG"].tied


@pytest.mark.parametrize("key, descending, expected", [
    ("c1", False, ["5KF", "5D8", "5KG", "5D9"]),
    ("c1", True, ["5KG", "5D8", "5KF", "5D9"]),
    ("overall", False, ["5KG", "5KF", "5D8", "5D9"]),
    ("rank", False, ["5D8", "5KF", "5KG", "5D9"]),
    ("rank", True, ["5KG", "5KF", "5D8", "5D9"]),
    ("name", False, ["5KG", "5D9", "5D8", "5KF"]),
    ("name", True, ["5KF", "5D8", "5D9", "5KG"]),
    ("nonsense", False, ["5KG", "5D9", "5D8", "5KF"]),
])
def test_sort_order(sha_data, sha, cycle, key, descending, expected):
    rows = comparison.sort_rows(build(sha, cycle), key=key, descending=descending)

    # Hartlepool (5D9) has nothing submitted: last whichever way a score is sorted.
    assert [r.pct.code for r in rows] == expected


def test_matrix_page_sorted_by_a_column(client, reviewer, sha_data, cycle):
    client.force_login(reviewer)

    response = client.get(reverse("compare:matrix"), {"sort": "c1", "dir": "asc"})

    text = response.text
    assert response.status_code == 200
    order = [text.index(name) for name in
             ["Sunderland PCT", "North Tyneside PCT", "Gateshead PCT", "Hartlepool PCT"]]
    assert order == sorted(order)
    assert text.count("aria-sort=") == 1
    assert 'aria-sort="ascending"><a href="?cycle=2008&amp;sort=c1&amp;dir=desc"' in text
    assert "sorted by 1. Locally lead the NHS, lowest first" in text


def test_matrix_page_shows_numbers_levels_links_and_summaries(client, reviewer, sha_data):
    client.force_login(reviewer)

    text = client.get(reverse("compare:matrix")).text

    report = reverse("reports:assessment", args=[sha_data["5D8"].pk])
    # Every cell of North Tyneside's row links to its report: 11 competencies, the
    # overall score and its name.
    assert text.count(f'href="{report}"') == 13
    sunderland = reverse("reports:assessment", args=[sha_data["5KF"].pk])
    assert f'<td class="app-compare-level-2"><a href="{sunderland}">50%<small>Level 2</small></a></td>' in text
    assert "No submitted assessment" in text and "Hartlepool PCT" in text
    assert "SHA mean" in text and "SHA median" in text
    # A competency's heading shows its number; its accessible name is the whole title.
    assert ('<span class="app-compare-number" aria-hidden="true" title="1. Locally lead the NHS">1</span>'
            '<span class="nhsuk-u-visually-hidden">1. Locally lead the NHS</span>') in text
    assert "<dt>11</dt><dd>Make sound financial investments</dd>" in text  # the key
    assert "Assessments of one focus" not in text
    assert "/static/css/compare.css" in text and " style=" not in text


def test_matrix_page_lists_focus_assessments_apart_and_says_returned(
        client, reviewer, sha_data, pct, hartlepool, board_member, cycle):
    focused = submit_with(pct, cycle, board_member, no=COMPETENCY_1, focus="Obesity strategy")
    returned = submit_with(hartlepool, cycle, make_person("hal", hartlepool, "board_member"), no=set())
    workflow.return_to_pct(assessment=returned, user=reviewer, comment="Add evidence.")
    client.force_login(reviewer)

    text = client.get(reverse("compare:matrix")).text

    matrix, focus = text.split('<h2 id="focus">Assessments of one focus</h2>')
    assert "Hartlepool PCT" in matrix and "Returned for changes" in matrix
    assert "No submitted assessment" not in matrix and "Obesity strategy" not in matrix
    assert "3 of 4 PCTs" in matrix and 'href="#focus">listed apart</a>' in matrix
    focus = focus.split("<h2>")[0]
    assert "North Tyneside PCT" in focus and "Focus: Obesity strategy" in focus
    report = reverse("reports:assessment", args=[focused.pk])
    assert f'<td class="app-compare-level-1"><a href="{report}">0%<small>Level 1</small></a></td>' in focus
    assert "Sunderland" not in focus


def test_without_level_bands_the_matrix_shows_scores_alone(client, reviewer, sha_data):
    """Admins may delete every band; scores still show, just without a level."""
    from assessments.models import LevelBand

    LevelBand.objects.all().delete()
    client.force_login(reviewer)

    response = client.get(reverse("compare:matrix"))

    assert response.status_code == 200
    sunderland = reverse("reports:assessment", args=[sha_data["5KF"].pk])
    assert f'<td class="app-compare-level-none"><a href="{sunderland}">50%</a></td>' in response.text


def test_trend_direction(sha_data, pct, sibling_pct, sha, cycle, board_member,
                         other_board_member):
    later = Cycle.objects.create(start_year=2009)
    submit_with(pct, later, board_member, no=COMPETENCY_1)          # competency 1: 75% → 0%
    submit_with(sibling_pct, later, other_board_member, no=set())  # everything up to 100%

    matrix = build(sha, later, changes=True)

    rows = {r.pct.code: r for r in matrix.rows}
    assert matrix.previous_cycle == cycle
    assert rows["5D8"].changes[C1].points == -75
    assert rows["5D8"].changes[C1].direction == "down"
    assert rows["5D8"].changes[C1].words == "down 75 points"
    assert rows["5D8"].changes[C2].words == "no change"
    assert rows["5KF"].changes[C1].points == 50 and rows["5KF"].changes[C1].direction == "up"
    assert rows["5KF"].overall_change.points == 100 - 91
    assert rows["5KG"].assessment is None and rows["5KG"].overall_change.points is None


def test_trends_page_words_chart_and_table(client, reviewer, sha_data, pct, sibling_pct,
                                           board_member, other_board_member):
    later = Cycle.objects.create(start_year=2009)
    submit_with(pct, later, board_member, no=COMPETENCY_1)
    submit_with(sibling_pct, later, other_board_member, no=set())
    client.force_login(reviewer)

    text = client.get(reverse("compare:trends")).text

    assert '<span aria-hidden="true">↓ </span>down 75<span class="nhsuk-u-visually-hidden"> points' in text
    assert '<span aria-hidden="true">↑ </span>up 50<span class="nhsuk-u-visually-hidden"> points' in text
    assert "Nothing submitted for 2008/09 to compare with" not in text
    assert "No submitted assessment for 2009/10" in text  # Gateshead and Hartlepool
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="app-compare-chart"' in text
    assert 'role="img"' in text and "<title id=\"trend-chart-title\">North East SHA: mean score" in text
    # The chart's numbers are in the table too: competency 1's mean, 70.8% then 50%.
    row = text.split('<th scope="row" class="nhsuk-table__cell">1. Locally lead the NHS</th>')[1]
    assert row.split("</tr>")[0].split() == [
        '<td', 'class="nhsuk-table__cell', 'nhsuk-table__cell--numeric">71%</td><td',
        'class="nhsuk-table__cell', 'nhsuk-table__cell--numeric">50%</td>']
    assert "1. Locally lead the NHS: 2008/09 71%, 2009/10 50%" in text  # the chart's description


def test_trends_page_says_returned(client, reviewer, sha_data, pct, sibling_pct, board_member,
                                   other_board_member):
    later = Cycle.objects.create(start_year=2009)
    submit_with(pct, later, board_member, no=COMPETENCY_1)
    returned = submit_with(sibling_pct, later, other_board_member, no=set())
    workflow.return_to_pct(assessment=returned, user=reviewer, comment="Add evidence.")
    client.force_login(reviewer)

    text = client.get(reverse("compare:trends")).text

    sunderland = text.split("Sunderland PCT")[-1].split("</tr>")[0]
    assert "Returned for changes in 2009/10" in sunderland


def test_board_member_whose_assessment_was_returned(client, other_board_member, sibling_pct, cycle,
                                                    reviewer):
    returned = submit_with(sibling_pct, cycle, other_board_member, no=set())
    workflow.return_to_pct(assessment=returned, user=reviewer, comment="Add evidence.")
    client.force_login(other_board_member)

    text = client.get(reverse("compare:matrix")).text

    assert "Sunderland PCT's assessment for 2008/09 was returned for changes" in text


def test_yes_share_per_question(sha_data, sha, cycle):
    shares = comparison.question_shares(comparison.Basis(Organisation.objects.filter(sha=sha)), cycle)

    by_number = {s.number: s for s in shares}
    assert len(shares) == 112
    assert (by_number[17].yes, by_number[17].pcts, by_number[17].share) == (0, 3, 0)
    assert by_number[18].share == pytest.approx(100 / 3) and by_number[18].whole == 33
    assert by_number[25].share == pytest.approx(200 / 3)
    assert by_number[112].share == 100
    assert [s.number for s in shares[:3]] == [17, 1, 18]  # lowest first, then by number


def test_questions_page_and_drill_down(client, reviewer, sha_data):
    client.force_login(reviewer)

    listing = client.get(reverse("compare:questions")).text
    drill = client.get(reverse("compare:question", args=[19])).text

    assert listing.index(">17. ") < listing.index(">1. ") < listing.index(">18. ") < listing.index(">112. ")
    assert "0%<span class=\"app-compare-note\">0 of 3</span>" in listing
    assert "1 of the 3 PCTs that submitted for 2008/09 said No." in drill
    assert "Sunderland PCT" in drill and "Agree a plan" in drill and "31 Mar 2009" in drill
    assert "North Tyneside PCT" not in drill.split("<h1")[1]
    assert client.get(reverse("compare:question", args=[113])).status_code == 404


def test_other_shas_reviewer_gets_404_for_this_sha(client, other_reviewer, other_sha_pct,
                                                   sha_data):
    client.force_login(other_reviewer)

    for name in ["compare:matrix", "compare:trends", "compare:questions"]:
        assert client.get(reverse(name), {"sha": "Q30"}).status_code == 404
    assert client.get(reverse("compare:question", args=[1]), {"sha": "Q30"}).status_code == 404
    own = client.get(reverse("compare:matrix")).text
    assert "Brent PCT" in own and "North Tyneside" not in own and "Sunderland" not in own


def test_reviewer_may_name_their_own_sha(client, reviewer, sha_data):
    client.force_login(reviewer)

    response = client.get(reverse("compare:matrix"), {"sha": "Q30"})

    assert response.status_code == 200 and "Sunderland PCT" in response.text


def test_board_member_sees_own_pct_beside_sha_figures_only(client, board_member, sha_data):
    client.force_login(board_member)

    response = client.get(reverse("compare:matrix"))

    text = response.text
    assert response.status_code == 200
    assert "North Tyneside PCT" in text and "SHA mean" in text and "SHA median" in text
    for other in ["Sunderland", "Gateshead", "Hartlepool", "5KF", "5KG", "5D9"]:
        assert other not in text
    for other in sha_data.values():
        if other.pct.code != "5D8":
            assert reverse("reports:assessment", args=[other.pk]) not in text
    assert "3 of its 4 PCTs" in text
    assert "8 points below the mean" in text or "points above the mean" in text
    for url in [reverse("compare:trends"), reverse("compare:questions"),
                reverse("compare:question", args=[17])]:
        assert client.get(url).status_code == 404


def test_board_member_figures(client, board_member, sha_data):
    client.force_login(board_member)

    text = client.get(reverse("compare:matrix")).text

    # Competency 1: own 75%, mean 70.8% (71%), median 75%.
    row = text.split("1. Locally lead the NHS</th>")[1].split("</tr>")[0]
    assert [part.split("%")[0].rsplit(">", 1)[-1] for part in row.split("<td")[1:4]] == ["75", "71", "75"]
    assert "4 points above the mean" in row


def test_board_member_of_a_pct_with_nothing_submitted(client, other_board_member, pct, cycle,
                                                      board_member):
    submit_with(pct, cycle, board_member, no=set())
    client.force_login(other_board_member)

    text = client.get(reverse("compare:matrix")).text

    assert "Sunderland PCT has no submitted whole-organisation assessment for 2008/09" in text
    assert "North Tyneside" not in text


def test_anonymous_is_sent_to_log_in(client, cycle):
    for url in [reverse("compare:matrix"), reverse("compare:trends"), reverse("compare:questions"),
                reverse("compare:question", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_admin_national_view_and_sha_filter(client, admin_user, sha_data, other_sha_pct,
                                            other_board_member, cycle):
    submit_with(other_sha_pct, cycle, make_person("brenda", other_sha_pct, "board_member"),
                no=COMPETENCY_1)
    client.force_login(admin_user)

    everything = client.get(reverse("compare:matrix")).text
    one = client.get(reverse("compare:matrix"), {"sha": "Q36"}).text

    assert "Brent PCT" in everything and "North Tyneside PCT" in everything
    assert "National mean" in everything and "Each SHA's mean" in everything
    means = everything.split("Each SHA's mean")[1]
    assert "London SHA" in means and "North East SHA" in means
    assert "1 of 1" in means and "3 of 4" in means
    assert "Brent PCT" in one and "North Tyneside" not in one and "SHA mean" in one
    assert "Each SHA's mean" not in one
    assert client.get(reverse("compare:matrix"), {"sha": "NOPE"}).status_code == 404


@pytest.mark.parametrize("cycle_param", ["abc", "1999", "20081", "-2008", "２００８"])
def test_unknown_cycle_is_404(client, reviewer, sha_data, cycle_param):
    client.force_login(reviewer)

    assert client.get(reverse("compare:matrix"), {"cycle": cycle_param}).status_code == 404


def test_default_cycle_is_the_latest_with_submissions(client, reviewer, sha_data):
    Cycle.objects.create(start_year=2009)  # started, nothing submitted yet
    client.force_login(reviewer)

    default = client.get(reverse("compare:matrix")).text
    chosen = client.get(reverse("compare:matrix"), {"cycle": "2009"}).text

    assert "North East SHA · 2008/09" in default
    assert "North East SHA · 2009/10" in chosen and "0 of 4 PCTs" in chosen


def test_no_cycles_at_all(client, reviewer, sha):
    client.force_login(reviewer)

    response = client.get(reverse("compare:matrix"))

    assert response.status_code == 200 and "no assessment cycles yet" in response.text


def test_a_submission_after_its_deadline_is_marked_late_until_the_deadline_moves(
        client, reviewer, sha_data, cycle, sha):
    client.force_login(reviewer)
    late = '<strong class="nhsuk-tag nhsuk-tag--orange">Submitted late</strong>'
    assert late not in client.get(reverse("compare:matrix")).text  # no deadline: never late

    # Every assessment of sha_data was submitted today, long after this.
    deadline = SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 3, 31))
    text = client.get(reverse("compare:matrix")).text
    assert text.count(late) == 3  # each PCT that submitted; Hartlepool has not
    north_tyneside = text.split("North Tyneside PCT", 1)[1].split("</th>", 1)[0]
    assert late in north_tyneside

    deadline.due = datetime.date.today() + datetime.timedelta(days=1)
    deadline.save()
    assert late not in client.get(reverse("compare:matrix")).text


def test_matrix_query_count_does_not_grow_with_pcts(client, reviewer, admin_user, sha, pct, cycle,
                                                    board_member, django_assert_num_queries):
    submit_with(pct, cycle, board_member, no={1})
    earlier = Cycle.objects.create(start_year=2007)
    submit_with(pct, earlier, board_member, no={2})

    def pages():
        client.force_login(reviewer)
        # The session, its user, the reviewer's membership; every cycle; an
        # aggregate of the SHA's assessments (for the latest cycle and the
        # figures' cache key); the PCTs with their SHA; the competencies; the
        # level bands; then, as the figures are not cached yet: the
        # assessments (whole-organisation ones submitted, accepted or
        # returned, and those of one focus submitted or accepted, with
        # their deadlines); the scorecards this cycle's kept (no answers are
        # read); the submission deadlines, for the key.
        with django_assert_num_queries(11):
            assert client.get(reverse("compare:matrix")).status_code == 200
        # Again: the figures from the cache, so neither assessments nor scorecards.
        with django_assert_num_queries(9):
            assert client.get(reverse("compare:matrix")).status_code == 200
        client.force_login(admin_user)
        # The session, its user; the SHAs (the filter and the SHA means); the
        # admin's membership (none, for the header); then as above.
        with django_assert_num_queries(12):
            assert client.get(reverse("compare:matrix")).status_code == 200
        # With ?sha=: that SHA, looked up by the access check.
        with django_assert_num_queries(13):
            assert client.get(reverse("compare:matrix"), {"sha": "Q30"}).status_code == 200

    pages()
    for n in range(6):
        extra = Organisation.objects.create(code=f"X{n}", name=f"Extra PCT {n}", kind="pct", sha=sha)
        person = make_person(f"board{n}", extra, "board_member")
        whole = submit_with(extra, cycle, person, no={n + 1})
        if n % 2:  # shown as returned for changes
            workflow.return_to_pct(assessment=whole, user=reviewer, comment="Add evidence.")
        submit_with(extra, earlier, person, no={n + 2})
        submit_with(extra, cycle, person, no={n + 3}, focus="Obesity strategy")  # listed apart
    pages()


def test_other_pages_query_counts(client, reviewer, board_member, sha_data, cycle,
                                  django_assert_num_queries):
    client.force_login(reviewer)
    # Session, user, membership, cycles, the assessments' aggregate, the
    # PCTs, competencies, bands, submission deadlines (the cache key), then:
    # the assessments, the scorecards kept in every cycle.
    with django_assert_num_queries(11):
        client.get(reverse("compare:trends"))
    # Session, user, membership, cycles, the assessments' aggregate (for the
    # latest cycle), the assessments, the GROUP BY per question as answered.
    with django_assert_num_queries(7):
        client.get(reverse("compare:questions"))
    # Session, user, membership, the question, cycles, the aggregate, the
    # assessments, every answer to the question (its versions, and the
    # answers "No").
    with django_assert_num_queries(8):
        client.get(reverse("compare:question", args=[17]))
    client.force_login(board_member)
    # The session, user, membership, the board member's SHA for its name,
    # cycles, the aggregate, assessments, PCTs, scorecards, competencies,
    # bands: the SHA's figures, never cached (they name no one else).
    with django_assert_num_queries(11):
        client.get(reverse("compare:matrix"))


@pytest.mark.parametrize("params", [{"sort": "<x>"}, {"sort": "c99", "dir": "sideways"},
                                    {"sort": "c1", "dir": "desc", "cycle": "2008"}])
def test_odd_sort_parameters_still_show_the_matrix(client, reviewer, sha_data, params):
    client.force_login(reviewer)

    response = client.get(reverse("compare:matrix"), params)

    assert response.status_code == 200 and response.text.count("aria-sort=") == 1


# The matrix's and the trends' figures are cached under a key naming what they
# show: each change below, behind the pages' back, shows at once.

def _submit_hartlepool(data, reviewer):
    hartlepool = Organisation.objects.get(code="5D9")
    submit_with(hartlepool, data["5D8"].cycle, make_person("hal", hartlepool, "board_member"), no=set())
    return "Hartlepool PCT</a>"


def _return_sunderland(data, reviewer):
    workflow.return_to_pct(assessment=data["5KF"], user=reviewer, comment="Add evidence.")
    return "Returned for changes"


def _accept_sunderland(data, reviewer):
    accept(data["5KF"], reviewer)
    return '<span class="app-compare-note">Accepted</span>'


def _rename_a_pct(data, reviewer):
    Organisation.objects.filter(code="5KF").update(name="Sunderland Teaching PCT")
    return "Sunderland Teaching PCT"


def _retitle_a_competency(data, reviewer):
    from competencies.models import Competency

    Competency.objects.filter(number=2).update(short_title="Partner the community")
    return "Partner the community"


def _move_a_band(data, reviewer):
    from assessments.models import LevelBand

    LevelBand.objects.filter(level=4).update(min_score=99.5)  # Sunderland's 91% overall: level 3
    return "Level 3"


def _add_a_focus_assessment(data, reviewer):
    submit_with(data["5KG"].pct, data["5KG"].cycle, make_person("gus", data["5KG"].pct, "board_member"),
                no=set(), focus="Dental services")
    return "Dental services"


def assert_figures_follow(client, url, change, data, reviewer):
    def figures() -> str:
        # After the heading: the navigation and the figures (and on the
        # matrix page the downloads), not the header's form with its CSRF token.
        return client.get(url).text.split("</h1>")[1]

    before = figures()
    assert figures() == before  # from the cache, the same

    shown = change(data, reviewer)
    after = figures()

    assert after.count(shown) > before.count(shown)


@pytest.mark.parametrize("change", [_submit_hartlepool, _return_sunderland, _accept_sunderland, _rename_a_pct,
                                    _retitle_a_competency, _move_a_band, _add_a_focus_assessment])
def test_the_cached_matrix_changes_with_what_it_shows(client, reviewer, sha_data, change):
    client.force_login(reviewer)

    assert_figures_follow(client, reverse("compare:matrix"), change, sha_data, reviewer)


@pytest.mark.parametrize("change", [_submit_hartlepool, _return_sunderland, _rename_a_pct, _retitle_a_competency])
def test_the_cached_trends_change_with_what_they_show(client, reviewer, sha_data, change, pct, sibling_pct,
                                                     board_member, other_board_member):
    earlier = Cycle.objects.create(start_year=2007)
    submit_with(pct, earlier, board_member, no=set())
    submit_with(sibling_pct, earlier, other_board_member, no=set())
    client.force_login(reviewer)

    assert_figures_follow(client, reverse("compare:trends"), change, sha_data, reviewer)
