from django.urls import path

from . import views

app_name = "competencies"

urlpatterns = [
    path("framework/", views.index, name="index"),
    path("framework/<id:number>/", views.detail, name="detail"),
    path("checklist/", views.checklist, name="checklist"),
]
