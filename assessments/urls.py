from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("start/", views.start, name="start"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/answers/", views.answer_page, name="answer"),
    path("<id:pk>/answers/<id:number>/", views.save_answer, name="save_answer"),
    path("<id:pk>/competencies/<id:number>/", views.save_section, name="save_section"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/review/", views.review, name="review"),
    path("<id:pk>/review/<id:number>/", views.record_review, name="record_review"),
    path("<id:pk>/return/", views.return_to_pct, name="return"),
    path("<id:pk>/accept/", views.accept, name="accept"),
    path("<id:pk>/evidence/", views.evidence, name="evidence"),
    path("<id:pk>/evidence/add/", views.add_evidence, name="add_evidence"),
    path("<id:pk>/evidence/<id:reference_pk>/delete/", views.delete_evidence,
         name="delete_evidence"),
    path("<id:pk>/activity/", views.activity, name="activity"),
]
