from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "maillage.bench"
    label = "bench"
    verbose_name = "Benchmarks"
