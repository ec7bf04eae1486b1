"""Search words in Portuguese: stems with the accents taken off (tickets/search.py, CONFIG).

`helpdesk_pt` is PostgreSQL's Portuguese configuration with `unaccent` before the stemmer, so
"relatório", "relatorios" and "RELATORIO" are one word, as "bloqueado" and "bloqueada" are.
Every ticket's words are written again in it. Nothing to do elsewhere (SQLite reads the thread).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS helpdesk_pt;
CREATE TEXT SEARCH CONFIGURATION helpdesk_pt (COPY = pg_catalog.portuguese);
ALTER TEXT SEARCH CONFIGURATION helpdesk_pt
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH unaccent, portuguese_stem;
"""

# A frozen copy of tickets/search.py's REFRESH_SQL, for every ticket.
REFRESH = """
INSERT INTO tickets_ticketsearch (ticket_id, public, private)
SELECT t.id,
  strip(to_tsvector('{config}', t.number::text || ' ' || t.title || ' ' || left(coalesce(
    string_agg(e.body_text, ' ') FILTER (WHERE e.is_public), ''), 500000))),
  strip(to_tsvector('{config}', left(coalesce(
    string_agg(e.body_text, ' ') FILTER (WHERE NOT e.is_public), ''), 500000)))
FROM tickets_ticket t
LEFT JOIN tickets_ticketentry e ON e.ticket_id = t.id AND e.body_text <> ''
GROUP BY t.id
ON CONFLICT (ticket_id) DO UPDATE SET public = EXCLUDED.public, private = EXCLUDED.private
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    schema_editor.execute(REFRESH.format(config="helpdesk_pt"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REFRESH.format(config="simple"))
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS helpdesk_pt")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0015_report_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
