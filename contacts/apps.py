from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"

    def ready(self):
        from tenancy.hooks import subscribe

        from . import records, services, tasks  # noqa: F401  (records registers contacts)

        subscribe(services.QUEUED_EVENT, tasks.enqueue, name="contacts.tasks.enqueue")
