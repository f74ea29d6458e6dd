"""The record of every assessment submitted before answers kept their
competency and theme, and assessments their scorecard.

Each answer of an assessment submitted at least once (submitted, returned or
accepted) keeps its question as the framework has it now, the best record
there is and what its reports have shown until now; the wording it kept at
submission stays. Each submitted or accepted assessment keeps its scorecard,
counted from those answers as a submission counts it. A returned one has
none: it is scored live until its next submission, as every returned
assessment is.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Case, Count, F, OuterRef, Subquery, When

# The rule itself rather than a copy: the kept scorecards must be in the
# form, and by the rule, that the code reads them with.
from assessments.scoring import count

SUBMITTED_ONCE = ["submitted", "returned", "accepted"]
REPORTED = ["submitted", "accepted"]


def keep_records(apps, schema_editor):
    db = schema_editor.connection.alias
    Answer = apps.get_model("assessments", "Answer")
    Assessment = apps.get_model("assessments", "Assessment")
    question = apps.get_model("competencies", "Question").objects.using(db).filter(
        pk=OuterRef("question_id")
    )
    Answer.objects.using(db).filter(
        assessment__status__in=SUBMITTED_ONCE, competency__isnull=True
    ).update(
        question_text=Case(
            When(question_text="", then=Subquery(question.values("text")[:1])),
            default=F("question_text"),
        ),
        competency_id=Subquery(question.values("competency_id")[:1]),
        theme_id=Subquery(question.values("competency__theme_id")[:1]),
    )
    answers = defaultdict(list)
    grouped = (
        Answer.objects.using(db).filter(assessment__status__in=REPORTED)
        .values("assessment_id", "competency_id", "theme_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in grouped:
        answers[group["assessment_id"]] += [
            (group["competency_id"], group["theme_id"], group["value"])
        ] * group["n"]
    reported = list(Assessment.objects.using(db).filter(status__in=REPORTED).only("pk"))
    for assessment in reported:
        assessment.scores = count(answers[assessment.pk]).as_json()
    Assessment.objects.using(db).bulk_update(reported, ["scores"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0003_keep_the_whole_question"),
        ("competencies", "0001_initial"),
    ]

    # Dropping the new columns on the way back undoes it.
    operations = [migrations.RunPython(keep_records, migrations.RunPython.noop)]
