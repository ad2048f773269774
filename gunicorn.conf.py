"""gunicorn settings of the web service: the Docker image, docker-compose and
the benchmark (bench/measure.py) all start gunicorn with this file, so what
is measured is what is deployed.

Worker processes, each with a few threads (gthread): Python runs one thread
at a time per process, so processes give the CPU cores to Django, and the
threads of a process keep it busy while a request waits on PostgreSQL or
Redis. On 2 cores, 3 processes × 2 threads took the most kiosk submissions
per second (bench/RESULTS.md); 2 × 4 and 4 × 2 took fewer. Override with
WEB_CONCURRENCY (processes) and GUNICORN_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Load the application once, before forking: workers start warm and share
# the imported code's memory.
preload_app = True
# Access log to stdout (docker logs); GUNICORN_ACCESS_LOG="" turns it off
# where a reverse proxy already logs every request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
