from django.urls import path

from shian.stewardship import views

app_name = "stewardship"
urlpatterns = [
    path("", views.CadreListView.as_view(), name="cadre_list"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("bindings/", views.BindingListView.as_view(), name="binding_list"),
    path("bindings/suggest/", views.SuggestView.as_view(), name="suggest"),
    path("unbound/", views.UnboundListView.as_view(), name="unbound"),
]
