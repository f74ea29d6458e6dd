from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("assessments/<id:pk>/", views.assessment_report, name="assessment"),
    path("assessments/<id:pk>/pdf/", views.assessment_pdf, name="pdf"),
    path("assessments/<id:pk>/board-paper/", views.board_paper, name="board_paper"),
]
