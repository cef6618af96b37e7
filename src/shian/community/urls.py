from django.urls import path

from shian.community import views

app_name = "community"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/add/", views.ActivityEditView.as_view(), name="activity_add"),
    path("activities/<int:pk>/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("reports/", views.RewardReportListView.as_view(), name="report_list"),
    path("reports/add/", views.RewardReportEditView.as_view(), name="report_add"),
    path("reports/<int:pk>/", views.RewardReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/<str:action>/", views.ReportActionView.as_view(), name="report_action"),
    path("polls/", views.PollListView.as_view(), name="poll_list"),
    path("polls/add/", views.PollEditView.as_view(), name="poll_add"),
    path("polls/<int:pk>/", views.PollDetailView.as_view(), name="poll_detail"),
    path("polls/<int:pk>/edit/", views.PollEditView.as_view(), name="poll_edit"),
]
