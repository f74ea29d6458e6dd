"""The demo's emails: none about the history it makes up."""

import datetime

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assessments.emails import send_workflow_emails


def discard_made_up_history(*, since: datetime.datetime) -> int:
    """Drop the workflow emails that seeding queued since ``since`` (the
    demo's submissions, returns and acceptances happened to nobody), so that
    a worker started beside the demo sends only what people do in it. How
    many were dropped."""
    queued = DBTaskResult.objects.filter(task_path=send_workflow_emails.module_path, status=TaskResultStatus.READY,
                                         enqueued_at__gte=since)
    return queued.delete()[0]
