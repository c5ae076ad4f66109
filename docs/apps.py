from django.apps import AppConfig


class DocsConfig(AppConfig):
    name = "docs"
    verbose_name = "CallbackNow documentation"
