"""The board paper that goes with an assessment's PDF: who may change it, and saving it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from assessments import access
from assessments.models import Assessment

from .models import BoardPaper


def may_edit(grant: access.Grant) -> bool:
    """The PCT's board, whose paper it is, and admins; the SHA's reviewers read it."""
    return grant.on_board or grant.admin


def board_paper_of(assessment: Assessment) -> BoardPaper:
    """The assessment's paper, or an unsaved one with the defaults."""
    return BoardPaper.objects.filter(assessment=assessment).first() or BoardPaper(assessment=assessment)


@transaction.atomic
def save_board_paper(*, grant: access.Grant, values: dict) -> BoardPaper:
    if not may_edit(grant):
        raise PermissionDenied("Only the PCT's board members can change its board paper.")
    paper, _ = BoardPaper.objects.update_or_create(assessment=grant.assessment, defaults=values)
    return paper
