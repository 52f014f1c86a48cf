from django.urls import path

from xinan.core.api import api

urlpatterns = [path("", api.urls)]
