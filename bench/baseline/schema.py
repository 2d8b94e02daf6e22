"""The baseline's one table, created by the driver (bench/servers.py) before gunicorn starts: no migrations."""

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_item (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, "
    "quantity integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)
