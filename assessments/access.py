"""Who may see and change which assessment.

Every view that takes an assessment id starts with one of these helpers.
Outsiders get a 404, so they do not learn that the assessment exists; people
who may see it but not do what they asked get a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Assessment, Membership, Organisation

SUBMITTED_ONCE = [
    Assessment.Status.SUBMITTED,
    Assessment.Status.RETURNED,
    Assessment.Status.ACCEPTED,
]


def membership_of(user) -> Membership | None:
    """The user's membership with its organisation, read once per request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_membership"):
        user._membership = (
            Membership.objects.select_related("organisation").filter(user_id=user.pk).first()
        )
    return user._membership


def is_board_member(user, pct: Organisation | int) -> bool:
    membership = membership_of(user)
    pct_id = getattr(pct, "pk", pct)
    return (
        membership is not None
        and membership.role == Membership.Role.BOARD_MEMBER
        and membership.organisation_id == pct_id
    )


def visible_assessments(user) -> QuerySet[Assessment]:
    """Board members see their PCT's; reviewers their SHA's PCTs' once submitted."""
    assessments = Assessment.objects.all()
    if user.is_staff:
        return assessments
    membership = membership_of(user)
    if membership is None:
        return assessments.none()
    if membership.role == Membership.Role.BOARD_MEMBER:
        return assessments.filter(pct_id=membership.organisation_id)
    return assessments.filter(pct__sha_id=membership.organisation_id, status__in=SUBMITTED_ONCE)


def visible_pcts(user) -> QuerySet[Organisation]:
    pcts = Organisation.objects.filter(kind=Organisation.Kind.PCT)
    if user.is_staff:
        return pcts
    membership = membership_of(user)
    if membership is None:
        return pcts.none()
    if membership.role == Membership.Role.BOARD_MEMBER:
        return pcts.filter(pk=membership.organisation_id)
    return pcts.filter(sha_id=membership.organisation_id)


def get_assessment_for(user, pk: int, *, queryset=None) -> Assessment:
    """The assessment, if the user may see it; 404 otherwise."""
    queryset = visible_assessments(user) if queryset is None else queryset & visible_assessments(user)
    try:
        return queryset.select_related("pct__sha", "cycle").get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None


def get_assessment_to_answer(user, pk: int, *, lock: bool = False) -> Assessment:
    """The assessment, if the user is on its PCT's board: 404 for outsiders,
    403 for those who may only read it.

    With ``lock``, the row stays locked until the transaction ends, which
    serialises answer saves with submission: nothing changes while a
    submission checks and freezes the answers.
    """
    if not user.is_authenticated:
        raise Http404("No such assessment.")
    mine = Assessment.objects.filter(
        pk=pk, pct__members__user=user, pct__members__role=Membership.Role.BOARD_MEMBER
    ).select_related("pct", "cycle")
    if lock:
        mine = mine.select_for_update(of=("self",))
    assessment = mine.order_by().first()
    if assessment is None:
        get_assessment_for(user, pk)  # 404 for anyone who may not see it
        raise PermissionDenied("Only the PCT's board members can change its assessment.")
    return assessment


def get_assessment_to_review(user, pk: int, *, lock: bool = False) -> Assessment:
    """The assessment, if the user reviews for its PCT's SHA: 404 for outsiders,
    403 for those who may only read it.

    With ``lock``, as for ``get_assessment_to_answer``: two reviewers acting
    at once are serialised, so an assessment is not both returned and accepted.
    """
    locked = Assessment.objects.select_for_update(of=("self",)) if lock else None
    assessment = get_assessment_for(user, pk, queryset=locked)
    membership = membership_of(user)
    if not (
        membership is not None
        and membership.role == Membership.Role.REVIEWER
        and membership.organisation_id == assessment.pct.sha_id
    ):
        raise PermissionDenied("Only the SHA's reviewers can review this assessment.")
    return assessment


def comparison_scope(user, sha_code: str | None = None) -> tuple[QuerySet[Organisation], bool]:
    """The PCTs a person may compare, and whether they may see other PCTs' names.

    Admins: every PCT, or one SHA's. Reviewers: their SHA's. Board members:
    their SHA's, for its mean and median only. Anyone else, or another SHA
    asked for: 404.
    """
    pcts = Organisation.objects.filter(kind=Organisation.Kind.PCT)
    if user.is_staff:
        if sha_code:
            sha = Organisation.objects.filter(kind=Organisation.Kind.SHA, code=sha_code).first()
            if sha is None:
                raise Http404("No such SHA.")
            pcts = pcts.filter(sha=sha)
        return pcts, True
    membership = membership_of(user)
    if membership is None:
        raise Http404("Nothing to compare.")
    sha_id = (
        membership.organisation_id if membership.role == Membership.Role.REVIEWER
        else membership.organisation.sha_id
    )
    if sha_code and not Organisation.objects.filter(pk=sha_id, code=sha_code).exists():
        raise Http404("No such SHA.")
    return pcts.filter(sha_id=sha_id), membership.role == Membership.Role.REVIEWER
