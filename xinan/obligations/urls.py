from django.urls import path

from . import views

app_name = "obligations"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("all/", views.all_tasks, name="all_tasks"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
