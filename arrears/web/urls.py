from django.contrib import admin
from django.urls import include, path

from arrears.web.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
