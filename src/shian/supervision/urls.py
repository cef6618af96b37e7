from django.urls import path

from shian.supervision import views
from shian.supervision.models import CaseRecord, ComplaintRecord, SamplingRecord

app_name = "supervision"
urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="indicator_list"),
    path("indicators/add/", views.IndicatorEditView.as_view(), name="indicator_add"),
    path("indicators/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/chart/", views.IndicatorChartView.as_view(), name="indicator_chart"),
    path("sampling/", views.SamplingListView.as_view(), name="sampling_list"),
    path("sampling/<int:pk>/", views.RecordDetailView.as_view(model=SamplingRecord), name="sampling_detail"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaints_list"),
    path(
        "complaints/<int:pk>/",
        views.RecordDetailView.as_view(model=ComplaintRecord),
        name="complaints_detail",
    ),
    path("cases/", views.CaseListView.as_view(), name="cases_list"),
    path("cases/<int:pk>/", views.RecordDetailView.as_view(model=CaseRecord), name="cases_detail"),
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/add/", views.ImportCreateView.as_view(), name="import_add"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/errors/", views.ImportErrorReportView.as_view(), name="import_errors"),
    path("metrics/", views.MetricFormListView.as_view(), name="metric_form_list"),
    path("metrics/values/", views.MetricValueListView.as_view(), name="metric_value_list"),
    path("metrics/template/", views.MetricTemplateView.as_view(), name="metric_template"),
    path("metrics/import/", views.MetricWorkbookImportView.as_view(), name="metric_import"),
    path("metrics/<int:pk>/", views.MetricEntryView.as_view(), name="metric_entry"),
]
