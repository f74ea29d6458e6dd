"""Who may see and do what with which assessment.

Every view that takes an assessment id starts with ``grant_for``: outsiders
get a 404, so they do not learn that the assessment exists. What it returns,
a ``Grant``, is the one decision about this person and this assessment: the
pages, the report, the PDF and the activity log read it instead of asking
again. The workflow services check the same grant before they write.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Assessment, Membership, Organisation

Status = Assessment.Status


def membership_of(user) -> Membership | None:
    """The user's membership with its organisation, read once per request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_membership"):
        user._membership = (
            Membership.objects.select_related("organisation").filter(user_id=user.pk).first()
        )
    return user._membership


@dataclass(frozen=True)
class Grant:
    """What one person may do with one assessment."""

    assessment: Assessment
    on_board: bool  # sits on the board of the assessment's PCT
    reviews_it: bool  # reviews for the PCT's SHA
    admin: bool

    @property
    def may_answer(self) -> bool:
        """Change answers and evidence, and submit."""
        return self.on_board and self.assessment.state.answerable

    @property
    def may_review(self) -> bool:
        """Record levels, return, accept."""
        return self.reviews_it and self.assessment.status == Status.SUBMITTED

    @property
    def may_reply(self) -> bool:
        """Reply to the reviewers' challenges: the PCT's board, once returned."""
        return self.on_board and self.assessment.status == Status.RETURNED

    @property
    def sees_reviews(self) -> bool:
        """The reviewers' levels and reasons, and their challenges to answers:
        the SHA and admins always, the PCT once the SHA has finished with the assessment."""
        return not self.on_board or self.assessment.state.reviews_shown_to_pct

    def sees(self, other: Assessment) -> bool:
        """Another assessment of the same PCT (the one it follows): a reviewer
        learns nothing from a draft the PCT never submitted."""
        return self.on_board or self.admin or other.state.submitted_once


def decide(user, assessment: Assessment) -> Grant:
    """The grant of someone already known to see the assessment."""
    membership = membership_of(user)

    def member_of(organisation_id: int | None, role: str) -> bool:
        return membership is not None and membership.role == role and membership.organisation_id == organisation_id

    return Grant(
        assessment=assessment,
        on_board=member_of(assessment.pct_id, Membership.Role.BOARD_MEMBER),
        reviews_it=member_of(assessment.pct.sha_id, Membership.Role.REVIEWER),
        admin=user.is_staff,
    )


def visible_assessments(user) -> QuerySet[Assessment]:
    """Board members see their PCT's; reviewers their SHA's PCTs' once submitted."""
    condition = visibility(user)
    return Assessment.objects.none() if condition is None else Assessment.objects.filter(condition)


def visibility(user, via: str = "") -> Q | None:
    """``visible_assessments`` as a condition on a query of assessments, or
    of rows reached through them (``via``, e.g. ``"assessment__"``): no
    subquery. ``None`` when the person sees none."""
    if user.is_staff:
        return Q()
    membership = membership_of(user)
    if membership is None:
        return None
    if membership.role == Membership.Role.BOARD_MEMBER:
        return Q(**{f"{via}pct_id": membership.organisation_id})
    return Q(**{f"{via}pct__sha_id": membership.organisation_id,
                f"{via}status__in": Status.where("submitted_once")})


def reviews_assessments(user) -> bool:
    """Whether the person has a review queue: the SHAs' reviewers (their
    SHA's assessments) and admins (every SHA's)."""
    membership = membership_of(user)
    return user.is_staff or (membership is not None and membership.role == Membership.Role.REVIEWER)


def grant_for(user, pk: int, *, queryset: QuerySet[Assessment] | None = None) -> Grant:
    """What the user may do with the assessment; 404 if they may not see it."""
    queryset = visible_assessments(user) if queryset is None else queryset & visible_assessments(user)
    try:
        assessment = queryset.select_related("pct__sha", "cycle").get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None
    return decide(user, assessment)


def grant_to_answer(user, pk: int) -> Grant:
    """As ``grant_for``, and 403 for anyone not on the PCT's board."""
    grant = grant_for(user, pk)
    if not grant.on_board:
        raise PermissionDenied("Only the PCT's board members can change its assessment.")
    return grant


def grant_to_review(user, pk: int) -> Grant:
    """As ``grant_for``, and 403 for anyone who does not review for the PCT's SHA."""
    grant = grant_for(user, pk)
    if not grant.reviews_it:
        raise PermissionDenied("Only the SHA's reviewers can review this assessment.")
    return grant


def own_pct(user) -> Organisation | None:
    """The PCT on whose board the user sits, if any."""
    membership = membership_of(user)
    if membership and membership.role == Membership.Role.BOARD_MEMBER:
        return membership.organisation
    return None


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
    if sha_code and not Organisation.objects.filter(pk=sha_id or 0, code=sha_code).exists():
        raise Http404("No such SHA.")
    return pcts.filter(sha_id=sha_id), membership.role == Membership.Role.REVIEWER


def reviews_for(user, sha: Organisation) -> bool:
    """Whether the person is one of the SHA's reviewers."""
    membership = membership_of(user)
    return (membership is not None and membership.role == Membership.Role.REVIEWER
            and membership.organisation_id == sha.pk)


def sha_to_review(user, pk: int) -> Organisation:
    """The SHA, for one of its reviewers to change what its reviewers decide
    (their review deadline): 404 for anyone with nothing to do with it, 403
    for those who may only see it (its PCTs' board members, admins)."""
    membership = membership_of(user)
    if membership is not None and membership.organisation_id == pk and reviews_for(user, membership.organisation):
        return membership.organisation
    sha = Organisation.objects.filter(kind=Organisation.Kind.SHA, pk=pk).first()
    if sha is None or not (user.is_staff or (membership is not None and membership.organisation.sha_id == sha.pk)):
        raise Http404("No such SHA.")
    raise PermissionDenied("Only the SHA's reviewers set its review deadline.")
