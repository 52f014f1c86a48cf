from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.instance_detail, name="instance"),
    path("<int:pk>/act/", views.instance_act, name="act"),
    path("<int:pk>/comment/", views.instance_comment, name="comment"),
    path("<int:pk>/attach/", views.instance_attach, name="attach"),
    path("<int:pk>/cancel/", views.instance_cancel, name="cancel"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("start/<slug:slug>/<int:pk>/<slug:name>/", views.start, name="start"),
]
