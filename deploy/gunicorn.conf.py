"""gunicorn for the pages, as they were served before granian (deploy/pages.py): kept so that
`make bench BENCH_ARGS="--server gunicorn"` can time the two side by side.

    gunicorn -c deploy/gunicorn.conf.py helpdesk.wsgi:application

Every setting can be overridden on the command line (`--workers 2`) or by GUNICORN_CMD_ARGS.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core: one computes while the other waits on PostgreSQL or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
worker_class = "sync"
# The proxy buffers slow clients (nginx, README), so a request holds a worker only while it
# is computed; past 30 s it is stuck, and the worker is replaced.
timeout = 30
graceful_timeout = 30
# A new worker now and then returns what a long-lived process may have grown; the jitter keeps
# the workers from restarting all at once.
max_requests = 20_000
max_requests_jitter = 2_000
# The heartbeat file on tmpfs: on a busy disk its writes can stall every worker.
# gunicorn makes a private file in it (mkstemp), so a shared directory is safe.
_TMPFS = "/dev/shm"  # noqa: S108
worker_tmp_dir = _TMPFS if os.path.isdir(_TMPFS) else None
# X-Forwarded-* are believed only from the proxy on the same machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # nginx logs the requests; a second log costs each request a write
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
