"""Outreach: summons rounds, notices, reminders, the dispatcher, pacing and the scheduler."""
