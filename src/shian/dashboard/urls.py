from django.urls import path

from shian.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.LeaderDashboardView.as_view(), name="leader"),
    path("screen/", views.ScreenView.as_view(), name="screen"),
    path("tiles/", views.FieldTilesView.as_view(), name="tiles"),
    path("charts/<str:kind>.json", views.ChartView.as_view(), name="chart"),
]
