from django.urls import path

from shian.showcase import views

app_name = "showcase"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("portfolio.docx", views.PortfolioView.as_view(), name="portfolio"),
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/pack.zip", views.PackView.as_view(), name="pack"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/<slug:what>/", views.ProjectActionView.as_view(), name="project_action"),
]
