from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("assessments/<id:pk>/", views.assessment_report, name="assessment"),
    path("assessments/<id:pk>/pdf/", views.assessment_pdf, name="pdf"),
    path("assessments/<id:pk>/pdf/progress/", views.pdf_progress, name="pdf_progress"),
    path("assessments/<id:pk>/pdf/retry/", views.retry_pdf, name="retry_pdf"),
    path("assessments/<id:pk>/board-paper/", views.board_paper, name="board_paper"),
]
