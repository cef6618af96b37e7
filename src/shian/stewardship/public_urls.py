from django.urls import path

from shian.stewardship import public

app_name = "stewardship_public"
urlpatterns = [
    path("<str:token>/", public.PublicRoundView.as_view(), name="round"),
    path("<str:token>/<int:business>/", public.PublicVisitView.as_view(), name="visit"),
    path("<str:token>/commitment/", public.PublicCommitmentView.as_view(), name="commitment"),
    path("<str:token>/commitment.docx", public.PublicCommitmentDocxView.as_view(), name="commitment_docx"),
]
