from django.urls import path

from shian.workplan import views

app_name = "workplan"
urlpatterns = [
    path("", views.TaskListView.as_view(), name="task_list"),
    path("add/", views.TaskCreateView.as_view(), name="task_add"),
    path("generate/", views.task_generate, name="task_generate"),
    path("bulk/", views.task_bulk, name="task_bulk"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("<int:pk>/send-back/", views.task_send_back, name="task_send_back"),
    path("<int:pk>/reassign/", views.task_reassign, name="task_reassign"),
    path("<int:pk>/split/", views.task_split, name="task_split"),
]
