from django.urls import path

from shian.community import public

app_name = "community_public"
urlpatterns = [
    path("<str:token>/", public.PickView.as_view(), name="pick"),
]
