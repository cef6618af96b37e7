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
    path("specials/", views.SpecialListView.as_view(), name="special_list"),
    path("specials/add/", views.SpecialEditView.as_view(), name="special_add"),
    path("specials/<int:pk>/", views.SpecialDetailView.as_view(), name="special_detail"),
    path("specials/<int:pk>/edit/", views.SpecialEditView.as_view(), name="special_edit"),
    path("specials/<int:pk>/<slug:what>/", views.SpecialActionView.as_view(), name="special_action"),
]
