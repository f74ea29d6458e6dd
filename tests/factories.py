"""Factories for the rows tests need: organisations, people, cycles, and
assessments brought to a status through the workflow services, as in use."""

import factory
from django.contrib.auth import get_user_model

from assessments import workflow
from assessments.models import Assessment, Cycle, Membership, Organisation
from competencies.models import Competency

PASSWORD = "correct horse battery staple"


class ShaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"Q{n:02d}")
    name = factory.Sequence(lambda n: f"Strategic Health Authority {n}")
    kind = Organisation.Kind.SHA


class PctFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"5P{n}")
    name = factory.Sequence(lambda n: f"Primary Care Trust {n}")
    kind = Organisation.Kind.PCT
    sha = factory.SubFactory(ShaFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person who signs in with PASSWORD; with ``organisation`` and ``role``,
    a member of it."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.LazyAttribute(lambda person: person.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def membership(user, create, extracted, organisation=None, role=""):
        user.save()
        if create and organisation is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ["start_year"]

    start_year = 2008


def assessment_in(status: str, *, pct: Organisation, cycle: Cycle, board, reviewer, focus: str = "") -> Assessment:
    """An assessment of ``pct`` taken to ``status`` the way people do it: started,
    every question answered (every third a "No" with a complete action), with
    one evidence reference, then submitted, returned or accepted by ``reviewer``."""
    from tests.conftest import fill

    assessment = workflow.start_assessment(pct=pct, cycle=cycle, user=board, focus=focus)
    fill(assessment)
    workflow.add_evidence(assessment=assessment, user=board, evidence_item_id=101, title="Minutes")
    if status == Assessment.Status.DRAFT:
        return assessment
    assert workflow.submit(assessment=assessment, user=board) == []
    if status == Assessment.Status.RETURNED:
        workflow.return_to_pct(assessment=assessment, user=reviewer, comment="Look again at question 3.")
    elif status == Assessment.Status.ACCEPTED:
        accept(assessment, reviewer)
    return assessment


def review_every_competency(assessment: Assessment, reviewer, *, level: int = 2,
                            reason: str = "As the answers show.") -> None:
    """The reviewer's level and reason for every competency not yet given
    one: what accepting needs."""
    missing = Competency.objects.exclude(pk__in=assessment.reviews.values("competency_id"))
    workflow.record_reviews(assessment=assessment, user=reviewer, levels=dict.fromkeys(missing, (level, reason)))


def accept(assessment: Assessment, reviewer, *, comment: str = "") -> Assessment:
    """Accept a submitted assessment as a reviewer does: every competency's level first."""
    review_every_competency(assessment, reviewer)
    workflow.accept(assessment=assessment, user=reviewer, comment=comment)
    return assessment
