"""Every kept question is whole, and every submitted or accepted assessment
has its scorecard: added once ``0004`` has filled them in, in a migration of
their own so that PostgreSQL alters the tables after the data changes are
committed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0004_keep_submitted_records"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('competency__isnull', True), ('question_text', ''), ('theme__isnull', True)), models.Q(models.Q(('question_text', ''), _negated=True), ('competency__isnull', False), ('theme__isnull', False)), _connector='OR'), name='answer_keeps_its_whole_question'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('scores__isnull', False), ('status__in', ['submitted', 'accepted'])), models.Q(('scores__isnull', True), ('status__in', ['draft', 'returned'])), _connector='OR'), name='scores_kept_while_submitted_or_accepted'),
        ),
    ]
