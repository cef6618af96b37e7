from django.urls import path

from shian.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("add/", views.round_create, name="round_add"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("timeliness/chart/", views.timeliness_chart, name="timeliness_chart"),
]
