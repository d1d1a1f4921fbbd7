"""Filled by a later issue; see ARCHITECTURE.md for what belongs here."""
