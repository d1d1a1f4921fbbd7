"""An audit entry's time and actor come from the database and the signed-in session, not from the
code that writes it: a BEFORE INSERT trigger sets ``created_at`` to the statement's time and, when
the statement runs for a signed-in user (``app.user_id``, which ``tenancy.rls`` sends with every
statement from the request's authenticated user), ``actor_id`` to that user. So a caller cannot
back-date an entry or name someone else as its actor. Outside a request (Celery tasks, commands)
no user is in the session and the actor is the one the task acts for (or none).
The trigger belongs to the table's owner; the application role cannot drop or disable it."""

from django.db import migrations

STAMP = """
CREATE OR REPLACE FUNCTION keywork_audit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  signed_in bigint := NULLIF(current_setting('app.user_id', true), '')::bigint;
BEGIN
  NEW.created_at := statement_timestamp();
  IF signed_in IS NOT NULL THEN
    NEW.actor_id := signed_in;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tenancy_auditevent_stamp BEFORE INSERT ON tenancy_auditevent
  FOR EACH ROW EXECUTE FUNCTION keywork_audit_stamp();
"""
UNSTAMP = """
DROP TRIGGER IF EXISTS tenancy_auditevent_stamp ON tenancy_auditevent;
DROP FUNCTION IF EXISTS keywork_audit_stamp();
"""


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0004_organisation_security_settings")]

    operations = [migrations.RunSQL(STAMP, UNSTAMP)]
