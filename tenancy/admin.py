"""Django admin: superusers only, and explicitly across organisations (the `unscoped` escape)."""

from django.contrib import admin

from .models import Membership, Organisation, Site

admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "Keywork administration (superusers)"


class UnscopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.unscoped.all()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related, "unscoped"):
            kwargs["queryset"] = related.unscoped.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Site)
class SiteAdmin(UnscopedAdmin):
    list_display = ["name", "kind", "organisation", "caseload_limit"]
    list_filter = ["kind"]


@admin.register(Membership)
class MembershipAdmin(UnscopedAdmin):
    list_display = ["user", "role", "site", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
