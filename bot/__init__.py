"""Jemput Bola: chat assistant for Dukcapil e-KTP outreach."""
