from django.urls import path

from shian.rankings import views

app_name = "rankings"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("schemes/new/", views.scheme_edit, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/compute/", views.run_compute, name="run_compute"),
    path("schemes/<int:pk>/trend/", views.scheme_trend, name="scheme_trend"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("runs/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("adjustments/<int:pk>/delete/", views.adjustment_delete, name="adjustment_delete"),
    path("adjustments/<int:pk>/file/", views.adjustment_file, name="adjustment_file"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/file/", views.appeal_evidence, name="appeal_evidence"),
    path("assessment/", views.sheet_list, name="sheet_list"),
    path("interviews/", views.interview_list, name="interview_list"),
    path("interviews/propose/", views.interview_propose, name="interview_propose"),
    path("interviews/new/", views.interview_create, name="interview_create"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
]
