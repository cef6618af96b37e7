from django.urls import path

from shian.surveys import public

app_name = "surveys_public"
urlpatterns = [
    path("<str:token>/", public.AnswerView.as_view(), name="answer"),
]
