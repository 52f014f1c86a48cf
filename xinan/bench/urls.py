"""The product's routes plus ``/bench/trivial``: the same middleware, no work, so the load test
can report the ceiling of this machine and server configuration next to the real pages."""

from django.http import HttpResponse
from django.urls import path

from xinan.urls import urlpatterns as product


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *product]
