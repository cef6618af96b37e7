from django.urls import path

from shian.readiness import views

app_name = "readiness"

urlpatterns = [
    path("", views.GapView.as_view(), name="gap"),
    path("chart/", views.GapChartView.as_view(), name="gap_chart"),
]
