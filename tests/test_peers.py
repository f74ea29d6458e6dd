"""Peer benchmarks on the report: a PCT's scores beside its SHA's and
England's median and quartiles, naming no one, only from five PCTs up."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.scoring import Score, Tallies
from competencies.models import Competency
from reports.peers import MINIMUM_PEERS, Spread, percentile, spread
from tests.conftest import fill
from tests.factories import PctFactory, ShaFactory

pytestmark = pytest.mark.django_db


def test_spread_is_the_quartiles_and_needs_five_scores():
    assert spread([10.0, 20.0, 30.0, 40.0]) is None
    assert spread([10.0, 20.0, 30.0, 40.0, 50.0]) == Spread(count=5, lower=20, median=30, upper=40)
    assert spread([0.0, 0.0, 100.0, 100.0, 50.0, 50.0]) == Spread(count=6, lower=13, median=50, upper=88)


def test_percentile_counts_those_below_and_half_the_ties():
    scores = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(30.0, scores) == 50
    assert percentile(5.0, scores) == 0
    assert percentile(60.0, scores) == 100
    assert percentile(30.0, scores[:4]) is None


def kept(percent_of_first: int) -> dict:
    """A kept scorecard: the first competency scored ``percent_of_first``%
    (of 10 questions), the others 50%."""
    competencies = list(Competency.objects.order_by("number"))
    scores = {c.pk: Score(5, 10, 10) for c in competencies}
    scores[competencies[0].pk] = Score(percent_of_first // 10, 10, 10)
    return Tallies(competencies=scores, themes={}, theme_of={c.pk: c.theme_id for c in competencies},
                   overall=50.0).as_json()


def peer(sha, cycle, percent, *, focus="", status="submitted"):
    return Assessment.objects.create(pct=PctFactory(sha=sha), cycle=cycle, focus=focus, status=status,
                                     scores=kept(percent) if status in ("submitted", "accepted") else None)


def first_row(html):
    body = html[html.index("<h2>Among peers</h2>"):]
    body = body[body.index("<tbody"):]
    return body[:body.index("</tr>")]


def test_the_report_shows_the_pcts_scores_among_its_peers(client, board_member, pct, cycle, draft):
    fill(draft)
    own = Competency.objects.order_by("number").first()
    draft.answers.filter(question__competency=own).update(value="yes")  # 100%
    for percent in (10, 20, 30, 40):  # the PCT's own SHA
        peer(pct.sha, cycle, percent)
    other_sha = ShaFactory()
    for percent in (60, 70, 80):
        peer(other_sha, cycle, percent)
    # Not peers: a focus assessment, a draft, a returned one, another cycle.
    peer(pct.sha, cycle, 100, focus="Obesity strategy")
    peer(pct.sha, cycle, 0, status="draft")
    peer(pct.sha, cycle, 0, status="returned")
    client.force_login(board_member)

    html = client.get(reverse("reports:assessment", args=[draft.pk])).text

    assert f"for {pct.sha} (4 PCTs) and for England (7 PCTs)" in html
    row = first_row(html)
    assert f"{own.number}. {own.short_title}" in row and ">100%<" in row
    assert "Too few PCTs" in row  # 4 in the SHA
    assert "40% (25–65%)" in row  # England: 10, 20, 30, 40, 60, 70, 80
    assert ">100<" in row  # every peer scored lower
    for other in Assessment.objects.exclude(pk=draft.pk):
        assert other.pct.name not in html  # no PCT is named


def test_with_fewer_than_five_peers_the_report_says_why_nothing_is_shown(client, board_member, pct, cycle, draft):
    for percent in range(MINIMUM_PEERS - 1):
        peer(pct.sha, cycle, percent * 10)
    client.force_login(board_member)

    html = client.get(reverse("reports:assessment", args=[draft.pk])).text

    assert "Peer figures appear once at least 5 PCTs have submitted a whole-organisation assessment for " \
           "2008/09; 4 have so far." in html


def test_the_pdf_shows_the_same_benchmarks(board_member, pct, cycle, draft):
    import io

    from pypdf import PdfReader

    from assessments import access
    from reports.pdf import render_pdf

    fill(draft)
    for percent in (10, 20, 30, 40, 60):
        peer(pct.sha, cycle, percent)

    pdf = render_pdf(access.decide(board_member, draft))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Among peers, 2008/09: {pct.sha} (5 PCTs) and England (5 PCTs), no PCT named" in " ".join(text.split())
    assert "30% (20–40%)" in text
