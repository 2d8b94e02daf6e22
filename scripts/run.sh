#!/usr/bin/env bash
# Runs the web server and a Celery worker (with beat) together; Ctrl-C stops both.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
# Emails (sent by the worker) link to the address the server answers on, as seed_demo prints it.
export RMA_PUBLIC_BASE_URL=${RMA_PUBLIC_BASE_URL:-http://$host:$port}
mkdir -p var/log

# The local settings show debug pages; they are for this machine only. Serving other machines turns DEBUG off.
case "$host" in
    127.0.0.1 | localhost | ::1) debug="on (this machine only)" ;;
    *)
        export DJANGO_DEBUG=false
        debug="off: other machines can reach $host (add the name they use to DJANGO_ALLOWED_HOSTS)"
        ;;
esac
if [ -n "${REDIS_URL:-}" ]; then broker="Redis ($REDIS_URL)"; else broker="the embedded filesystem broker (var/broker)"; fi
if [ -n "${DATABASE_URL:-}" ]; then db="$DATABASE_URL"; else db="SQLite (var/db.sqlite3)"; fi

"$py" -m celery -A returns_portal worker -B -l info -Q default,labels,notifications \
    --concurrency 2 >var/log/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

cat <<TXT

  Returns portal is starting on http://$host:$port/
    Customer portal   http://$host:$port/
    Shop counter      http://$host:$port/store/      (store-PAR01 / demo-password)
    Warehouse         http://$host:$port/warehouse/  (warehouse-WH-IDF / demo-password)
    Admin             http://$host:$port/admin/      (admin / demo-password)
    API explorer      http://$host:$port/api/v1/docs/
  Database: $db
  Settings: ${DJANGO_SETTINGS_MODULE:-returns_portal.settings.local}, DEBUG $debug
  Celery worker (pid $worker) on $broker, log in var/log/worker.log
  Stop with Ctrl-C.

TXT
# The banner above already says this is the local setup (README "Production shape" for the real one): no need for
# Django's "development server" warning on every start.
DJANGO_RUNSERVER_HIDE_WARNING=true "$py" manage.py runserver --noreload "$host:$port"
