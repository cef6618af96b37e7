app_name = "framework"
urlpatterns = []
