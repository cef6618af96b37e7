from django.contrib import admin

from shian.security.models import LoginFailure


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed logins; deleting an account's or address's rows lifts its lock (the page /account/locks/ too)."""

    list_display = ("at", "username", "ip_address", "channel")
    list_filter = ("channel",)
    search_fields = ("username", "ip_address")
    readonly_fields = ("at", "username", "ip_address", "channel")

    def has_add_permission(self, request):
        return False
