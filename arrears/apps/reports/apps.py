from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "arrears.apps.reports"
    label = "reports"
