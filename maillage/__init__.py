"""Maillage: open-source community platform for coworking spaces and their networks."""

__version__ = "0.1.0"
