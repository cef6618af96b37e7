from django.urls import path

from shian.rectification import views

app_name = "rectification"
urlpatterns = [
    path("from-assessment/<int:pk>/", views.ToProblemsView.as_view(), name="from_assessment"),
    path("", views.ProblemListView.as_view(), name="problem_list"),
    path("add/", views.ProblemEditView.as_view(), name="problem_add"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("escalate/", views.EscalateView.as_view(), name="escalate"),
    path("summons/", views.SummonsListView.as_view(), name="summons_list"),
    path("summons/<int:pk>/", views.SummonsEditView.as_view(), name="summons_edit"),
    path("<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("<int:pk>/edit/", views.ProblemEditView.as_view(), name="problem_edit"),
    path("<int:pk>/evidence/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("<int:pk>/<str:action>/", views.ProblemActionView.as_view(), name="problem_action"),
]
