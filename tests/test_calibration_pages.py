"""The calibration page and its downloads: the figures, who sees which PCTs,
the cycle and SHA filters, and the query count.

The levels the PCTs' kept scores give (default bands 0, 40, 65, 85%):
North Tyneside (No to 17, 18, 1): competency 1 at 75% (level 3), 5 at 83%
(3), every other at 100% (4). Sunderland (No to 17–20, 1–3): competencies 1
and 5 at 50% (2). Brent, in London: every competency at 100% (4).
"""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import workflow
from assessments.models import Assessment, Cycle, LevelBand, Organisation
from competencies.models import Competency
from tests.conftest import make_person
from tests.test_comparison import submit_with

pytestmark = pytest.mark.django_db

MINUS = "\u2212"


def review(assessment, reviewer, levels: dict[int, int]) -> None:
    """The reviewer's level for each competency number in ``levels``."""
    by_number = Competency.objects.in_bulk(list(levels), field_name="number")
    workflow.record_reviews(assessment=assessment, user=reviewer, levels={
        by_number[number]: (level, "As the evidence shows.") for number, level in levels.items()})


@pytest.fixture
def world(pct, sibling_pct, other_sha_pct, sha, cycle, board_member, other_board_member, reviewer,
          other_reviewer):
    """Rita reviews North Tyneside: competency 1 at 2 (gap +1), 2 at 2 (+2),
    5 at 3 (0). Rhys, the SHA's other reviewer, reviews Sunderland:
    competency 1 at 3 (−1). Oscar reviews Brent: competency 1 at 1 (+3).
    Not counted: North Tyneside's focus assessment (reviewed), and
    Hartlepool's, submitted but not reviewed."""
    rhys = make_person("rhys", sha, "reviewer", first_name="Rhys", last_name="Evans")
    reviewer.first_name, reviewer.last_name = "Rita", "Reid"
    reviewer.save()
    north_tyneside = submit_with(pct, cycle, board_member, no={17, 18, 1})
    review(north_tyneside, reviewer, {1: 2, 2: 2, 5: 3})
    sunderland = submit_with(sibling_pct, cycle, other_board_member, no={17, 18, 19, 20, 1, 2, 3})
    review(sunderland, rhys, {1: 3})
    brent = submit_with(other_sha_pct, cycle, make_person("bea", other_sha_pct, "board_member"), no=set())
    review(brent, other_reviewer, {1: 1})
    focus = submit_with(pct, cycle, board_member, no=set(), focus="Obesity strategy")
    review(focus, reviewer, {3: 1})
    hartlepool = Organisation.objects.create(code="5D9", name="Hartlepool PCT", kind="pct", sha=sha)
    submit_with(hartlepool, cycle, make_person("hal", hartlepool, "board_member"), no=set())
    return {"north_tyneside": north_tyneside, "sunderland": sunderland, "brent": brent, "rhys": rhys}


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("compare:calibration"), params)


def heat_rows(html: str) -> dict[str, list[str]]:
    """The heat map's rows: PCT name → the cells' visible text."""
    table = html.split('id="calibration-heatmap"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", table, re.S)[1:]:
        name = re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1)
        cells = re.findall(r'<td class="app-gap app-calibration-gap--[a-z0-9-]+">([^<]*)<', row)
        rows[name] = cells
    return rows


def table_rows(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    body = table.split("<tbody")[1]
    return [[re.sub(r"<[^>]+>", " ", cell).split()[0] if cell.strip() else "" for cell in
             re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_reviewer_sees_their_shas_gaps(client, reviewer, world):
    response = page(client, reviewer)

    assert response.status_code == 200
    html = response.text
    rows = heat_rows(html)
    assert set(rows) == {"North Tyneside PCT", "Sunderland PCT"}  # not Brent, nor Hartlepool
    assert rows["North Tyneside PCT"][:5] == ["+1", "+2", "—", "—", "0"]
    assert rows["Sunderland PCT"][0] == f"{MINUS}1" and rows["Sunderland PCT"][1:] == ["—"] * 10
    assert "app-calibration-gap--over-2" in html and "app-calibration-gap--under-1" in html
    assert table_rows(html, "calibration-counts") == [
        ["Overstated:", "2"], ["Matching", "1"], ["Understated:", "1"], ["Mean", "+0.50"]]
    assert 'id="calibration-key"' in html and "A plus sign means" in html


def test_competencies_most_overrated_first(client, reviewer, world):
    rows = table_rows(page(client, reviewer).text, "calibration-competencies")

    # 2: +2; then 1 (+1 and −1) and 5 (0) at 0.00, in number order; then the unrated.
    assert [r[0] for r in rows[:3]] == ["2.", "1.", "5."]
    assert rows[0][1:] == ["+2.00", "1", "0", "0"]
    assert rows[1][1:] == ["0.00", "1", "0", "1"]
    assert rows[3][1:] == ["—", "0", "0", "0"]
    assert len(rows) == 11


def test_each_reviewer_beside_the_others(client, reviewer, world):
    rows = table_rows(page(client, reviewer).text, "calibration-reviewers")

    # Rhys: −1 beside Rita's three ratings (+1, +2, 0: mean +1); Rita: +1 beside Rhys's −1.
    assert rows == [["Rhys", "1", f"{MINUS}1.00", "+1.00"], ["Rita", "3", "+1.00", f"{MINUS}1.00"]]


def test_admin_sees_every_sha_and_can_choose_one(client, admin_user, world, other_sha):
    national = page(client, admin_user)

    assert set(heat_rows(national.text)) == {"North Tyneside PCT", "Sunderland PCT", "Brent PCT"}
    assert "London SHA" in national.text and 'name="sha"' in national.text
    assert heat_rows(national.text)["Brent PCT"][0] == "+3"
    london = page(client, admin_user, sha="Q36")
    assert set(heat_rows(london.text)) == {"Brent PCT"}
    assert "<span class=\"nhsuk-caption-l\">London SHA" in london.text


def test_other_reviewer_sees_only_their_own_sha(client, other_reviewer, world):
    response = page(client, other_reviewer, sha="Q30")  # the SHA asked for is ignored

    assert set(heat_rows(response.text)) == {"Brent PCT"}
    assert 'name="sha"' not in response.text


def test_board_members_are_refused(client, board_member, world):
    assert page(client, board_member).status_code == 404
    client.force_login(board_member)
    assert client.get(reverse("compare:export_calibration", args=["ratings", "csv"])).status_code == 404
    assert "Calibration" not in client.get(reverse("compare:matrix")).text


def test_the_navigation_links_it_for_reviewers(client, reviewer, world):
    client.force_login(reviewer)

    assert reverse("compare:calibration") in client.get(reverse("compare:matrix")).text


def test_default_cycle_is_the_latest_with_reviews(client, reviewer, world, pct, board_member):
    later = Cycle.objects.create(start_year=2009)
    submit_with(pct, later, board_member, no=set())  # submitted, not reviewed

    response = page(client, reviewer)

    assert response.status_code == 200 and "2008/09" in response.context["scope"].cycle.__str__()
    empty = page(client, reviewer, cycle="2009")
    assert empty.status_code == 200 and 'id="calibration-none"' in empty.text


def test_the_default_cycle_counts_only_what_calibration_counts(client, reviewer, world, pct, sibling_pct,
                                                                other_sha_pct, board_member, other_reviewer):
    """A later cycle's reviewed assessments that calibration does not count
    (a focus, one returned, another SHA's) leave the default where it was;
    a counted one moves it."""
    later = Cycle.objects.create(start_year=2009)
    review(submit_with(pct, later, board_member, no=set(), focus="Obesity strategy"), reviewer, {1: 2})
    sunderland = submit_with(sibling_pct, later, make_person("sam", sibling_pct, "board_member"), no=set())
    review(sunderland, reviewer, {1: 2})
    workflow.return_to_pct(assessment=sunderland, user=reviewer, comment="Look again")
    review(submit_with(other_sha_pct, later, make_person("ben", other_sha_pct, "board_member"), no=set()),
           other_reviewer, {1: 2})

    assert str(page(client, reviewer).context["scope"].cycle) == "2008/09"

    review(submit_with(pct, later, board_member, no=set()), reviewer, {1: 2})

    assert str(page(client, reviewer).context["scope"].cycle) == "2009/10"


@pytest.mark.parametrize("params", [{"cycle": "1999"}, {"cycle": "<b>"}, {"cycle": "2008x"}])
def test_a_bad_cycle_is_400_with_the_error_at_the_field(client, reviewer, world, params):
    response = page(client, reviewer, **params)

    assert response.status_code == 400
    assert "Choose a cycle from the list." in response.text
    assert set(heat_rows(response.text)) == {"North Tyneside PCT", "Sunderland PCT"}  # the default


def test_a_bad_sha_is_400_for_admins(client, admin_user, world):
    response = page(client, admin_user, sha="Q99")

    assert response.status_code == 400 and "Choose an SHA from the list." in response.text
    assert "Brent PCT" in response.text  # England, the default


def test_no_cycles_at_all(client, reviewer):
    response = page(client, reviewer)

    assert response.status_code == 200 and "no assessment cycles yet" in response.text


def csv_of(client, table: str, **params) -> list[list[str]]:
    response = client.get(reverse("compare:export_calibration", args=[table, "csv"]), params)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_ratings_csv(client, reviewer, world):
    client.force_login(reviewer)

    rows = csv_of(client, "ratings")

    assert rows[0][:4] == ["PCT code", "PCT", "SHA", "Cycle"]
    assert len(rows) == 1 + 2 * 11
    first = rows[1]
    assert first == ["5D8", "North Tyneside PCT", "North East SHA", "2008/09", "1", "Locally lead the NHS",
                     "3", "2", "1", "Overstated", "Rita Reid"]
    assert rows[3][6:] == ["", "", "", "No reviewer's level", ""]
    assert rows[12][8:10] == ["-1", "Understated"]


def test_competencies_and_reviewers_csv(client, reviewer, world):
    client.force_login(reviewer)

    competencies = csv_of(client, "competencies")
    assert competencies[1][:1] + competencies[1][3:] == ["2", "1", "2.0", "1", "0", "0"]
    assert competencies[-1][1:] == ["All competencies", "2008/09", "4", "0.5", "2", "1", "1"]
    reviewers = csv_of(client, "reviewers")
    assert reviewers[1:] == [["Rhys Evans", "2008/09", "1", "-1.0", "3", "1.0"],
                             ["Rita Reid", "2008/09", "3", "1.0", "1", "-1.0"]]


def test_xlsx_and_its_file_name(client, admin_user, world):
    client.force_login(admin_user)

    response = client.get(reverse("compare:export_calibration", args=["reviewers", "xlsx"]), {"sha": "Q36"})

    assert response.status_code == 200
    assert "london-sha-2008-09-calibration-reviewers.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "Gap by reviewer 2008-09"
    name, *figures = [c.value for c in sheet[2]]
    assert name.startswith("Oscar") and figures == ["2008/09", 1, 3, 0, None]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == "A1:F2"


@pytest.mark.parametrize(("table", "columns", "rows"), [
    ("ratings", "K", 1 + 3 * 11), ("competencies", "H", 1 + 11 + 1), ("reviewers", "F", 1 + 3)])
def test_every_xlsx_has_a_filter_and_frozen_panes(client, admin_user, world, table, columns, rows):
    client.force_login(admin_user)

    response = client.get(reverse("compare:export_calibration", args=[table, "xlsx"]))

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == rows
    assert sheet.auto_filter.ref == f"A1:{columns}{rows}" and sheet.freeze_panes == "B2"
    assert all(c.font.bold for c in sheet[1])


def test_a_download_with_a_bad_filter_is_400(client, admin_user, world):
    client.force_login(admin_user)

    response = client.get(reverse("compare:export_calibration", args=["ratings", "csv"]), {"cycle": "1066"})

    assert response.status_code == 400


def test_query_count_does_not_grow_with_pcts(client, reviewer, admin_user, world, sha, cycle,
                                            django_assert_num_queries):
    def get(**params):
        return client.get(reverse("compare:calibration"), params)

    def pages():
        client.force_login(reviewer)
        # The session, its user, the reviewer's membership; the cycles; the
        # latest cycle with reviews; the competencies; the bands; what the
        # figures show, for their cache key (the counted assessments with
        # their PCTs, each reviewer's name and levels); then, as they are not
        # cached yet: the assessments counted with their PCTs and kept
        # scores; the reviews with their reviewers' names.
        with django_assert_num_queries(11):
            assert get().status_code == 200
        # Again: the figures from the cache.
        with django_assert_num_queries(9):
            assert get().status_code == 200
        # The same with the cycle given: no need to find the latest.
        with django_assert_num_queries(8):
            assert get(cycle="2008").status_code == 200
        # The admin: the session, the user, the SHAs (the filter), the
        # cycles, then as above (England's figures drawn the first time);
        # and the membership (none) for the header.
        client.force_login(admin_user)
        with django_assert_num_queries(11):
            assert get(cycle="2008").status_code == 200
        # One SHA: that SHA, looked up by the access check; the figures are
        # the ones drawn for the SHA's reviewer.
        with django_assert_num_queries(10):
            assert get(cycle="2008", sha="Q30").status_code == 200

    pages()
    for n in range(5):
        extra = Organisation.objects.create(code=f"X{n}", name=f"Extra PCT {n}", kind="pct", sha=sha)
        assessment = submit_with(extra, cycle, make_person(f"board{n}", extra, "board_member"), no={n + 1})
        review(assessment, world["rhys"], {1: 1, 2: 2, 3: 4})
    pages()  # the figures changed, so they are drawn again


MATCHING_2 = "Matching the reviewer's</th><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">2</td>"


# The figures are cached under a key naming what they show: each change below
# behind the page's back shows at once.

def _change_a_level(world):
    review(world["north_tyneside"], world["rhys"], {1: 4})  # North Tyneside's 3 minus 4


def _add_a_level(world):
    review(world["sunderland"], world["rhys"], {2: 4})  # Sunderland's 4 minus 4


def _remove_a_level(world):
    world["north_tyneside"].reviews.get(competency__number=1).delete()


def _rename_the_reviewer(world):
    get_user_model().objects.filter(pk=world["rhys"].pk).update(first_name="Rhiannon")


def _rename_the_pct(world):
    Organisation.objects.filter(code="5KF").update(name="Sunderland Teaching PCT")


def _accept(world):
    Assessment.objects.filter(pk=world["sunderland"].pk).update(status="accepted", updated_at=timezone.now())


def _retitle_a_competency(world):
    Competency.objects.filter(number=2).update(short_title="Partner the community")


def _move_a_band(world):
    LevelBand.objects.filter(level=3).update(min_score=76)  # North Tyneside's 75% now level 2, as Rita said


@pytest.mark.parametrize(("change", "shown"), [
    (_change_a_level, f"{MINUS}1</td>"), (_add_a_level, "2 PCTs, 5 ratings."), (_remove_a_level, "2 PCTs, 3 ratings."),
    (_rename_the_reviewer, "Rhiannon Evans"), (_rename_the_pct, "Sunderland Teaching PCT"),
    (_accept, "Accepted"), (_retitle_a_competency, "Partner the community"), (_move_a_band, MATCHING_2),
])
def test_the_cached_figures_change_with_what_they_show(client, reviewer, world, change, shown):
    def figures() -> str:
        # After the filter's form, before the downloads.
        return page(client, reviewer).text.split("</form>")[-1].split("<h2>Download</h2>")[0]

    before = figures()
    assert figures() == before  # from the cache, the same

    change(world)
    after = figures()

    assert after != before
    assert after.count(shown) > before.count(shown)
