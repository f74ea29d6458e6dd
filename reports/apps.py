from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'reports'

    def ready(self) -> None:
        from assessments import signals

        from . import tasks

        # A render queued in the transaction of the move that calls for it.
        signals.moved.connect(tasks.prepare_after_move, dispatch_uid="reports.prepare_after_move")
