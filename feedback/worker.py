"""The background worker: runs each registered job when it is due.

Capabilities register their jobs in the factory (register_jobs). Jobs run in lanes, one
thread each: the "network" lane holds the jobs that talk to other servers (SMTP today), so
that a server that takes 30 seconds to time out never holds up the "main" lane's jobs
(the domain events' reactions, such as tagging comments, and the SLA sweep).
``flask worker --once`` runs every job once, one after the other.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from feedback.analysis import warm_up
from feedback.extensions import db

log = logging.getLogger("feedback.worker")


@dataclass
class Job:
    name: str
    #: called with the worker's name and the event that is set when it must stop
    run: Callable[[str, threading.Event], object]
    #: how often the forever loop runs it; None means every poll
    every_seconds: float | None = None
    #: the thread it runs in: "main", or "network" for jobs that wait on other servers
    lane: str = "main"


def register_job(
    app: Flask, name: str, run: Callable, every_seconds: float | None = None, lane: str = "main"
) -> None:
    """Add a job that ``flask worker`` runs: ``run(worker_name, stop_event)``.

    A long job should return soon after ``stop_event`` is set."""
    app.extensions.setdefault("worker_jobs", []).append(Job(name, run, every_seconds, lane))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(job: Job, worker: str, stop: threading.Event | None = None) -> bool:
    """Run one job, logging its outcome and time; a failing job does not stop the others."""
    started = time.perf_counter()
    try:
        result = job.run(worker, stop or threading.Event())
    except Exception:
        db.session.rollback()
        log.exception("worker.job_failed job=%s", job.name)
        return False
    finally:
        db.session.remove()
    ms = (time.perf_counter() - started) * 1000
    # A poll that found nothing to do is not worth a line every few seconds.
    level = logging.INFO if result else logging.DEBUG
    log.log(level, "worker.job job=%s result=%s ms=%.1f", job.name, result, ms)
    return True


def run_once(worker: str) -> bool:
    """Run every job once; True when all of them succeeded."""
    return all([run_job(job, worker) for job in current_app.extensions.get("worker_jobs", [])])


def run_forever(worker: str, stop: threading.Event) -> None:
    """Run each lane's jobs as they fall due, a thread per lane, until ``stop`` is set."""
    app = current_app._get_current_object()
    lanes: dict[str, list[Job]] = {}
    for job in app.extensions.get("worker_jobs", []):
        lanes.setdefault(job.lane, []).append(job)
    threads = [
        threading.Thread(target=run_lane, args=(app, jobs, worker, stop), name=f"lane-{lane}")
        for lane, jobs in lanes.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_lane(app: Flask, jobs: list[Job], worker: str, stop: threading.Event) -> None:
    """Run these jobs as they fall due, in an application context (and session) of the
    lane's own."""
    with app.app_context():
        poll = app.config["WORKER_POLL_SECONDS"]
        next_run = {job.name: 0.0 for job in jobs}
        while not stop.is_set():
            for job in jobs:
                if stop.is_set():
                    break
                now = time.monotonic()
                if now >= next_run[job.name]:
                    run_job(job, worker, stop)
                    next_run[job.name] = now + (job.every_seconds or poll)
            stop.wait(max(0.0, min(next_run.values()) - time.monotonic()))


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver mail and run the scheduled jobs, forever or --once."""
    # Flask-Mail opens SMTP connections without a timeout; a stuck server must not hang us.
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT_SECONDS"])
    # The comment analysis models (~1 s to load): now, not while the first comment's
    # event holds SQLite's write lock and answers wait for it.
    warm_up()
    name = worker_name()
    if once:
        ok = run_once(name)
        raise SystemExit(0 if ok else 1)
    stop = threading.Event()

    def _stop(signum, _frame):
        log.info("worker.stopping signal=%s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker.started name=%s", name)
    run_forever(name, stop)
    log.info("worker.stopped name=%s", name)
