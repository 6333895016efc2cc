"""The child-process side of the bench harness: `python -m maillage.bench.worker TASK JSON`.

Each task runs in a fresh process (so its peak memory is its own) with the environment the
harness gives it (DATABASE_URL pointing at a bench database), and prints one JSON object on
the last line of stdout. Anything else the task prints goes to stderr.

Tasks:
- generate {DemoConfig fields}: run the pure demo generator and iterate every activity line.
- load {DemoConfig fields}: load the demo data into the database (idempotent).
- sessions {"emails": [...]}: a logged-in session for each account; answers {email: key}.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux, /proc's VmHWM: `ru_maxrss` (getrusage) survives exec, so in a child of the bench
    command it starts at the parent's size (e.g. 70 MiB of Django) and hides the child's own
    peak. Elsewhere, ru_maxrss (KiB on Linux, bytes on macOS; best effort).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def generate(payload: dict[str, Any]) -> dict[str, Any]:
    from maillage.demo.generator import DemoConfig, generate

    config = DemoConfig(**payload)
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    network = generate(config)
    lines = sum(1 for _ in network.activities())
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "members": len(network.members()),
        "activity_lines": lines,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_mib": rss_before,
    }


def _django() -> None:
    import django

    django.setup()


def load(payload: dict[str, Any]) -> dict[str, Any]:
    _django()
    from maillage.demo.generator import DemoConfig
    from maillage.demo.load import load_demo
    from maillage.demo.models import DemoRun

    rss_before = peak_rss_mib()
    start = time.perf_counter()
    result = load_demo(
        DemoConfig(**payload), progress=lambda message: print(message, file=sys.stderr)
    )
    seconds = time.perf_counter() - start
    run = DemoRun.objects.first()
    return {
        "loaded": result.loaded,  # False: the data was already there
        "seconds": seconds,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_mib": rss_before,
        "members": result.members,
        "activities": result.activities,
        "config": {
            "members": run.members,
            "spaces": run.spaces,
            "seed": run.seed,
            "history_ends_on": run.history_ends_on.isoformat(),
        }
        if run
        else None,
    }


def sessions(payload: dict[str, Any]) -> dict[str, str]:
    _django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from maillage.core.sessions import SessionStore
    from maillage.members.models import User

    keys = {}
    for email in payload["emails"]:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise SystemExit(f"bench worker: no account {email} in the bench database")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[email] = session.session_key
    return keys


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": generate,
    "load": load,
    "sessions": sessions,
}


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] not in TASKS:
        raise SystemExit(f"usage: python -m maillage.bench.worker {{{','.join(TASKS)}}} JSON")
    task, payload = TASKS[argv[0]], json.loads(argv[1])
    with contextlib.redirect_stdout(sys.stderr):
        answer = task(payload)
    print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
