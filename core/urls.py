from django.urls import path

from . import notification_views

app_name = "core"

urlpatterns = [
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", notification_views.notification_open,
         name="notification-open"),
    path("notifications/read-all/", notification_views.notification_read_all,
         name="notification-read-all"),
]
