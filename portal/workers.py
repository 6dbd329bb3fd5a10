"""`portal serve --workers N`: N server processes sharing one listening socket.

The parent binds the socket, starts the workers (spawned, so each has its own event loop,
pool and LISTEN connection), starts a worker again if one dies, and on SIGTERM or Ctrl-C
passes SIGTERM on and waits for their graceful shutdown. Workers run in a session of their
own, so a Ctrl-C at the terminal reaches the parent only and each worker is told once.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess

import uvloop

from portal.settings import Settings

log = logging.getLogger(__name__)

RESTART_PAUSE_SECONDS = 1.0


def bind(settings: Settings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _stop_when_orphaned(parent: int) -> None:
    """A worker whose parent died (SIGKILL leaves no time to pass anything on) stops too,
    gracefully, rather than serving on unsupervised."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(settings: Settings, sock: socket.socket, parent: int) -> None:
    from portal.server import Terminated, configure_logging, exit_cleanly_on_sigterm, serve_async

    os.setsid()
    configure_logging(settings)
    exit_cleanly_on_sigterm()
    _stop_when_orphaned(parent)
    with contextlib.suppress(KeyboardInterrupt, Terminated):  # a graceful stop is a clean exit
        uvloop.run(serve_async(settings, [sock], prepare=False))


def supervise(settings: Settings, workers: int) -> None:
    sock = bind(settings)
    context = multiprocessing.get_context("spawn")

    def start(n: int) -> BaseProcess:
        process = context.Process(
            target=_worker, args=(settings, sock, os.getpid()), name=f"portal-{n}"
        )
        process.start()
        return process

    processes = [start(n) for n in range(workers)]
    log.info(
        "serving on http://%s:%d/graphql with %d workers", settings.host, settings.port, workers
    )
    try:
        while True:
            for n, process in enumerate(processes):
                if not process.is_alive():
                    log.warning("worker %d exited with %s; starting it again", n, process.exitcode)
                    time.sleep(RESTART_PAUSE_SECONDS)
                    processes[n] = start(n)
            time.sleep(0.5)
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + settings.shutdown_grace_seconds + 5
        for process in processes:
            process.join(max(deadline - time.monotonic(), 0.1))
            if process.is_alive():
                log.error("worker %s outstayed its grace period; killing it", process.pid)
                process.kill()
                process.join()
        sock.close()
