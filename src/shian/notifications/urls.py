from django.urls import path

from shian.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences, name="preferences"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("urge/round/<int:pk>/", views.urge_round, name="urge_round"),
    path("urge/tasks/", views.urge_tasks, name="urge_tasks"),
    path("urge/problems/", views.urge_problems, name="urge_problems"),
    path("robots/", views.RobotHookListView.as_view(), name="robot_list"),
    path("robots/add/", views.RobotHookEditView.as_view(), name="robot_add"),
    path("robots/<int:pk>/", views.RobotHookEditView.as_view(), name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
