from django.urls import path

from shian.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("add/", views.document_add, name="document_add"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/generate/", views.document_generate, name="document_generate"),
    path("<int:pk>/finalise/", views.document_finalise, name="document_finalise"),
    path("<int:pk>/draft.<str:ext>", views.document_render, name="document_render"),
    path("files/<int:pk>.<str:ext>", views.file_download, name="file_download"),
]
