from django.urls import path

from shian.surveys import distribution, editor, views

app_name = "surveys"
urlpatterns = [
    path("", views.SurveyListView.as_view(), name="survey_list"),
    path("add/", views.SurveyCreateView.as_view(), name="survey_add"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("<int:pk>/results.xlsx", views.SurveyExportView.as_view(), name="survey_export"),
    path("<int:pk>/interview/", views.InterviewView.as_view(), name="interview"),
    path("<int:pk>/questions/", editor.QuestionEditorView.as_view(), name="question_editor"),
    path("<int:pk>/questions/preview/", editor.QuestionPreviewView.as_view(), name="question_preview"),
    path("<int:pk>/questions/add/", editor.QuestionAddView.as_view(), name="question_add"),
    path("<int:pk>/questions/<int:qid>/edit/", editor.QuestionEditView.as_view(), name="question_edit"),
    path("<int:pk>/questions/<int:qid>/remove/", editor.QuestionRemoveView.as_view(), name="question_remove"),
    path("<int:pk>/questions/<int:qid>/move/", editor.QuestionMoveView.as_view(), name="question_move"),
    path("<int:pk>/<str:action>/", views.SurveyActionView.as_view(), name="survey_action"),
    path("links/<int:pk>/qr.png", distribution.LinkQrView.as_view(), name="link_qr"),
    path("links/<int:pk>/poster/", distribution.LinkPosterView.as_view(), name="link_poster"),
    path("codes/<int:pk>/cards/", distribution.CodeCardsView.as_view(), name="code_cards"),
]
