from django.urls import path

from shian.inspections import fieldwork, views

app_name = "inspections"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("add/", views.PlanEditView.as_view(), name="plan_add"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("<int:pk>/record.xlsx", views.DrawRecordView.as_view(), name="draw_record"),
    path("<int:pk>/rollup/", views.RollupView.as_view(), name="plan_rollup"),
    path("<int:pk>/<str:action>/", views.PlanActionView.as_view(), name="plan_action"),
    path("mapping/<int:pk>/", views.MappingView.as_view(), name="mapping"),
    path("sites/<int:pk>/replace/", views.ReplaceSiteView.as_view(), name="site_replace"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/import/", views.ChecklistImportView.as_view(), name="checklist_import"),
    path("checklists/export/", views.ChecklistExportView.as_view(), name="checklist_export"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path("visits/", fieldwork.MyVisitsView.as_view(), name="my_visits"),
    path("visits/<int:pk>/", fieldwork.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/fill/", fieldwork.VisitFillView.as_view(), name="visit_fill"),
    path("visits/<int:pk>/sync/", fieldwork.VisitSyncView.as_view(), name="visit_sync"),
    path("visits/<int:pk>/signature/", fieldwork.SignatureView.as_view(), name="visit_signature"),
    path("visits/<int:pk>/<str:action>/", fieldwork.VisitActionView.as_view(), name="visit_action"),
    path("photos/<int:pk>/", fieldwork.PhotoView.as_view(), name="photo"),
    path("frequency/", views.FrequencyView.as_view(), name="frequency"),
]
