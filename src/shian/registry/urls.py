from django.urls import path

from shian.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.BusinessListView.as_view(), name="business_list"),
    path("add/", views.BusinessEditView.as_view(), name="business_add"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("<int:pk>/", views.BusinessDetailView.as_view(), name="business_detail"),
    path("<int:pk>/edit/", views.BusinessEditView.as_view(), name="business_edit"),
]
