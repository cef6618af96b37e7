from django.urls import path

from shian.organisation import views

app_name = "organisation"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/add/", views.RegionEditView.as_view(), name="region_add"),
    path("regions/import/", views.ImportView.as_view(kind="regions"), name="region_import"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("", views.UnitListView.as_view(), name="unit_list"),
    path("units/add/", views.UnitEditView.as_view(), name="unit_add"),
    path("units/import/", views.ImportView.as_view(kind="units"), name="unit_import"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_edit"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserEditView.as_view(), name="user_add"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
]
