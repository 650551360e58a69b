from django.urls import path

from . import notification_views, two_factor_views

app_name = "core"

urlpatterns = [
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", notification_views.notification_open,
         name="notification-open"),
    path("notifications/read-all/", notification_views.notification_read_all,
         name="notification-read-all"),
    # two-step sign-in (两步验证): the signed-in user's own account only
    path("accounts/two-factor/", two_factor_views.two_factor, name="two-factor"),
    path("accounts/two-factor/setup/", two_factor_views.two_factor_setup,
         name="two-factor-setup"),
    path("accounts/two-factor/backup-codes/", two_factor_views.two_factor_codes,
         name="two-factor-codes"),
    path("accounts/two-factor/backup-codes/new/", two_factor_views.two_factor_backup_codes,
         name="two-factor-backup-codes"),
    path("accounts/two-factor/disable/", two_factor_views.two_factor_disable,
         name="two-factor-disable"),
    path("accounts/two-factor/verify/", two_factor_views.two_factor_verify,
         name="two-factor-verify"),
]
