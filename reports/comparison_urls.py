from django.urls import path, re_path

from . import calibration_views
from . import comparison_views as views

app_name = "compare"

FORMAT = r"\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("trends/", views.trends, name="trends"),
    path("questions/", views.questions, name="questions"),
    path("questions/<id:number>/", views.question, name="question"),
    re_path(r"^export/matrix" + FORMAT, views.export_matrix, name="export_matrix"),
    re_path(r"^export/answers" + FORMAT, views.export_answers, name="export_answers"),
    re_path(r"^export/actions" + FORMAT, views.export_actions, name="export_actions"),
    path("calibration/", calibration_views.calibration, name="calibration"),
    re_path(r"^export/calibration-(?P<table>ratings|competencies|reviewers)" + FORMAT,
            calibration_views.export_calibration, name="export_calibration"),
]
