from django.urls import path

from . import views

urlpatterns = [
    path("me/following/", views.following, name="following"),
    path("me/following/change/", views.follow, name="follow"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.mark_read, name="notifications_read"),
    path("me/notifications/<int:pk>/read/", views.mark_read, name="notification_read"),
    path("me/settings/notifications/", views.notification_settings, name="notification_settings"),
    path("me/settings/notifications/feed/reset/", views.reset_feed, name="notification_feed_reset"),
    path("me/feed/<str:token>.atom", views.feed, name="notification_feed"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
