from django.urls import path

from shian.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("add/", views.CampaignEditView.as_view(), name="campaign_add"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:pk>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("<int:pk>/archive/", views.archive, name="campaign_archive"),
    path("<int:pk>/delete/", views.delete, name="campaign_delete"),
    path("choose/", views.choose, name="choose"),
]
