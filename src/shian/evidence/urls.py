from django.urls import path

from shian.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.MaterialListView.as_view(), name="material_list"),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("requirements/", views.RequirementListView.as_view(), name="requirement_list"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("<int:pk>/", views.MaterialDetailView.as_view(), name="material_detail"),
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
]
