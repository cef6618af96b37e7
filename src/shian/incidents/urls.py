from django.urls import path

from shian.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("add/", views.IncidentEditView.as_view(), name="incident_add"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("<int:pk>/events/", views.IncidentEventView.as_view(), name="incident_event"),
    path("<int:pk>/close/", views.IncidentCloseView.as_view(), name="incident_close"),
]
