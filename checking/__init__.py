"""The record-quality checker, below every editor that runs it live (sessions, contacts, plans).

Not a Django app (no models, no pages): ``checker`` is the pure rule set, ``spelling`` its word
list (``data/``), ``findings`` how a report is laid out for a reader, and ``context`` the one call
an editor makes (``run_check`` / ``record_check``) with the organisation's names and settings.
The settings themselves (extra phrases, accepted words, disclosure phrases) are kept by the
``quality`` app, which registers a reader in its ``AppConfig.ready()``
(``context.provide_settings``); moderation and the performance view stay in ``quality``.
"""
