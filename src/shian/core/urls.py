from django.urls import path

from shian.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path(
        "audit/<str:app_label>/<str:model_name>/<str:pk>/",
        views.AuditHistoryView.as_view(),
        name="audit_history",
    ),
    path("jobs/<int:pk>/", views.JobStatusView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job_download"),
]
