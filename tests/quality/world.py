"""The record-quality rows of a test organisation, for the cross-organisation walk. Its URLs take no
ids (the live check takes ``child_id`` in the POST body: tests/quality/test_views.py walks that)."""

from .factories import QualitySettingsFactory


def extend(world) -> dict:
    world.quality_settings = QualitySettingsFactory(
        organisation=world.org,
        banned_phrases=f"{world.org.name} secret phrase",
        accepted_words=f"{world.child.first_name}word",
    )
    return {}
