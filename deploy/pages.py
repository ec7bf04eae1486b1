"""The pages' server in production: granian serving the WSGI application; uvicorn serves
only the websockets (/ws/).

    python deploy/pages.py [--bind 127.0.0.1:8000] [--workers 4]

granian's HTTP is written in Rust and hands Django a request with no event loop, thread
hand-off or ASGI adapter around it: measured in the README against gunicorn's sync workers,
the trivial view answered several times the requests per second and the pages used less CPU
each. Settings come from the environment (PAGES_BIND, WEB_CONCURRENCY, ...), below; the
two options override the first two.
"""

import argparse
import os
import sys
from pathlib import Path

from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels

ROOT = Path(__file__).resolve().parents[1]


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def server(bind: str | None = None, workers: int | None = None) -> Granian:
    host, _, port = (bind or os.environ.get("PAGES_BIND", "127.0.0.1:8000")).rpartition(":")
    return Granian(
        "helpdesk.wsgi:application",
        address=host or "127.0.0.1",
        port=int(port),
        interface=Interfaces.WSGI,
        # Two processes per core: one computes while the other waits on PostgreSQL or Redis.
        workers=workers or _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)),
        # One request at a time per process, as Django's synchronous views expect: a second
        # thread would only wait for the first one's interpreter lock.
        blocking_threads=1,
        # More waiting requests than this are answered 503 at once, not queued for minutes.
        backpressure=_int("PAGES_BACKPRESSURE", 64),
        # A process that died (out of memory, a crash in a library) is started again.
        respawn_failed_workers=True,
        # A new process every few hours, or when one has grown past PAGES_MAX_RSS_MB,
        # returns what a long-lived process may have grown; a reload (SIGHUP) replaces them
        # one at a time, each old one finishing its requests first (at most 30 s).
        workers_lifetime=_int("PAGES_WORKER_LIFETIME_S", 6 * 3600),
        workers_max_rss=_int("PAGES_MAX_RSS_MB", 768),
        workers_kill_timeout=30,
        # nginx logs the requests (README); a second log costs each request a write.
        log_access=False,
        log_level=LogLevels(os.environ.get("PAGES_LOG_LEVEL", "info")),
        working_dir=ROOT,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--bind", help="HOST:PORT (PAGES_BIND)")
    options.add_argument("--workers", type=int, help="processes (WEB_CONCURRENCY)")
    chosen = options.parse_args()
    server(chosen.bind, chosen.workers).serve()
