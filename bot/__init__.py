"""Jemput Bola: chat assistant for Dukcapil e-KTP outreach."""

__version__ = "0.1.0"
