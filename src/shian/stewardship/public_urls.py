from django.urls import path

from shian.stewardship import public

app_name = "stewardship_public"
urlpatterns = [
    path("<str:token>/", public.PublicRoundView.as_view(), name="round"),
    path("<str:token>/<int:business>/", public.PublicVisitView.as_view(), name="visit"),
]
