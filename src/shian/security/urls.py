from django.urls import path

from shian.security import views

app_name = "security"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("otp/setup/", views.OtpSetupView.as_view(), name="otp_setup"),
    path("otp/verify/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("otp/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("locks/", views.LocksView.as_view(), name="locks"),
    path("users/<int:pk>/reset-otp/", views.ResetSecondFactorView.as_view(), name="reset_otp"),
]
