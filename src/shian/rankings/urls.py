from django.urls import path

from shian.rankings import views

app_name = "rankings"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/compute/", views.run_compute, name="run_compute"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("interviews/", views.interview_list, name="interview_list"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
]
