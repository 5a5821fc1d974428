"""Fake platform servers for adapter tests (real HTTP on loopback)."""
