"""Demo record-quality settings for both organisations (idempotent: skipped where they exist)."""

from tenancy.context import organisation_scope

from .models import QualitySettings

SETTINGS = {
    "school_org": (
        "deputy",
        "it is felt that\nno doubt\nI reckon",
        "Penkford\nClassDojo\nArbor\nBoxall",
    ),
    "provider": (
        "oak_manager",
        "it is felt that\nno doubt\nI reckon\nplaying up",
        "Northshire\nKooth\nBrightwater",
    ),
}


def seed(world) -> None:
    for key, (author, phrases, words) in SETTINGS.items():
        organisation = getattr(world, key)
        with organisation_scope(organisation.pk):
            if QualitySettings.objects.exists():
                continue
            QualitySettings.objects.create(
                organisation=organisation,
                banned_phrases=phrases,
                accepted_words="\n".join(w for w in words.splitlines() if " " not in w),
                updated_by=world.users[author],
            )
    world.stdout.write("  record quality: “Check a text” in the top bar; settings for managers")
