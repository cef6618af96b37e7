from django.urls import path

from shian.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="assessment_list"),
    path("add/", views.AssessmentEditView.as_view(), name="assessment_add"),
    path("<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("<int:pk>/edit/", views.AssessmentEditView.as_view(), name="assessment_edit"),
    path("<int:pk>/items/<int:item_pk>/", views.ScoreEditView.as_view(), name="score_edit"),
    path("<int:pk>/gates/", views.GatesView.as_view(), name="gates"),
    path("<int:pk>/lock/", views.LockView.as_view(), name="lock"),
    path("<int:pk>/refresh/", views.RefreshView.as_view(), name="refresh"),
    path("<int:assessment_pk>/groups/add/", views.GroupEditView.as_view(), name="group_add"),
    path("<int:assessment_pk>/interviews/add/", views.InterviewEditView.as_view(), name="interview_add"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", views.GroupEditView.as_view(), name="group_edit"),
    path("groups/<int:pk>/items/<int:item_pk>/", views.ExpertScoreView.as_view(), name="expert_score"),
    path("interviews/<int:pk>/", views.InterviewEditView.as_view(), name="interview_edit"),
    path("compare/", views.CompareView.as_view(), name="compare"),
]
