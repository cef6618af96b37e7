from django.urls import path

from shian.framework import views
from shian.framework.models import Category, Framework, Gate, Indicator, ScoringItem

app_name = "framework"
urlpatterns = [
    path("", views.FrameworkListView.as_view(), name="framework_list"),
    path("add/", views.FrameworkEditView.as_view(), name="framework_add"),
    path("sample/", views.LoadSampleView.as_view(), name="framework_load_sample"),
    path("import/", views.ImportView.as_view(), name="framework_import"),
    path("import/<str:token>/", views.ImportPreviewView.as_view(), name="framework_import_preview"),
    path("items/", views.ItemListView.as_view(), name="item_list"),
    path("<int:pk>/", views.FrameworkDetailView.as_view(), name="framework_detail"),
    path("<int:pk>/edit/", views.FrameworkEditView.as_view(), name="framework_edit"),
    path("<int:pk>/delete/", views.PartDeleteView.as_view(model=Framework), name="framework_delete"),
    path("<int:pk>/export/<str:fmt>/", views.ExportView.as_view(), name="framework_export"),
    path("<int:pk>/gates/", views.GatesEditView.as_view(), name="gates_edit"),
    path("<int:parent_pk>/categories/add/", views.CategoryEditView.as_view(), name="category_add"),
    path("categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path("categories/<int:pk>/delete/", views.PartDeleteView.as_view(model=Category), name="category_delete"),
    path(
        "categories/<int:parent_pk>/indicators/add/", views.IndicatorEditView.as_view(), name="indicator_add"
    ),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path(
        "indicators/<int:pk>/delete/", views.PartDeleteView.as_view(model=Indicator), name="indicator_delete"
    ),
    path("indicators/<int:parent_pk>/items/add/", views.ItemEditView.as_view(), name="item_add"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", views.PartDeleteView.as_view(model=ScoringItem), name="item_delete"),
    path("gates/<int:pk>/delete/", views.PartDeleteView.as_view(model=Gate), name="gate_delete"),
]
