"""The nearest-point search in the database on PostgreSQL: the `cube` and `earthdistance` extensions and a GiST
index on each point's position on the earth, used by `earth_box(...) @> ll_to_earth(latitude, longitude)` in
rma.locations.nearest. Nothing happens on SQLite (the search falls back to rings read in Python there)."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

INDEX = "locations_dropoff_earth"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only: the SQL names functions SQLite does not have."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0003_drop_off_point_compartments_address_point"),
    ]

    operations = [
        CreateExtension("cube"),
        CreateExtension("earthdistance"),
        PostgresOnlySQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON locations_dropoffpoint USING gist "
            "(ll_to_earth(latitude, longitude))",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
