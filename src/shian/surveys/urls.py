from django.urls import path

from shian.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.SurveyListView.as_view(), name="survey_list"),
    path("add/", views.SurveyCreateView.as_view(), name="survey_add"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("<int:pk>/results.xlsx", views.SurveyExportView.as_view(), name="survey_export"),
    path("<int:pk>/<str:action>/", views.SurveyActionView.as_view(), name="survey_action"),
]
