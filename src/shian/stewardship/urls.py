from django.urls import path

from shian.stewardship import enterprise_views as ev
from shian.stewardship import fieldwork, views

app_name = "stewardship"
urlpatterns = [
    path("", views.CadreListView.as_view(), name="cadre_list"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("<int:pk>/link/", views.CadreLinkView.as_view(), name="cadre_link"),
    path("<int:pk>/round/", fieldwork.RoundView.as_view(), name="round"),
    path("<int:pk>/round/<int:business>/", fieldwork.VisitFormView.as_view(), name="visit_form"),
    path("<int:pk>/commitment.docx", views.CommitmentDocxView.as_view(), name="commitment_docx"),
    path("<int:pk>/commitment/", views.CommitmentUploadView.as_view(), name="commitment_upload"),
    path("commitments/<int:pk>/scan/", views.CommitmentScanView.as_view(), name="commitment_scan"),
    path("import/", views.CadreImportView.as_view(), name="cadre_import"),
    path("checks/", views.ChecksView.as_view(), name="checks"),
    path("summary/", views.QuarterlySummaryView.as_view(), name="summary"),
    path("summary/<int:region_pk>/report.docx", views.TownshipReportView.as_view(), name="township_report"),
    path("points/", views.PointsView.as_view(), name="points"),
    path("duty/", views.DutyView.as_view(), name="duty"),
    path("duty/import/", ev.DutyImportView.as_view(), name="duty_import"),
    path("enterprise/", ev.EnterpriseHomeView.as_view(), name="enterprise"),
    path("business/<int:pk>/", ev.BusinessDutyView.as_view(), name="business_detail"),
    path("business/<int:pk>/staff/", ev.BusinessStaffView.as_view(), name="business_staff"),
    path("business/<int:pk>/risks/", ev.RiskAddView.as_view(), name="business_risk_add"),
    path(
        "business/<int:pk>/risks/<int:item>/delete/", ev.RiskDeleteView.as_view(), name="business_risk_delete"
    ),
    path("business/<int:pk>/account/", ev.OpenAccountView.as_view(), name="business_account"),
    path(
        "business/<int:pk>/accounts/<int:account>/close/",
        ev.CloseAccountView.as_view(),
        name="business_account_close",
    ),
    path(
        "business/<int:pk>/accounts/<int:account>/reopen/",
        ev.ReopenAccountView.as_view(),
        name="business_account_reopen",
    ),
    path(
        "business/<int:pk>/accounts/<int:account>/password/",
        ev.ResetAccountPasswordView.as_view(),
        name="business_account_password",
    ),
    path("business/<int:pk>/import/", ev.DutyImportView.as_view(), name="business_duty_import"),
    path("business/<int:pk>/lists.docx", ev.BusinessListsView.as_view(), name="business_lists"),
    path("duty/<int:pk>/", views.DutyFormView.as_view(), name="duty_form"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("my/", fieldwork.MyRoundView.as_view(), name="my_round"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", fieldwork.VisitDetailView.as_view(), name="visit_detail"),
    path("photos/<int:pk>/", fieldwork.PhotoView.as_view(), name="photo"),
    path("bindings/", views.BindingListView.as_view(), name="binding_list"),
    path("bindings/suggest/", views.SuggestView.as_view(), name="suggest"),
    path("unbound/", views.UnboundListView.as_view(), name="unbound"),
]
