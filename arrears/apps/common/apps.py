from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "arrears.apps.common"
    label = "common"
