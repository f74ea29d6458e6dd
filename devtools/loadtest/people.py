"""People asking for pages in turns, each waiting between requests as a
person does, and their figures as ``wrk.parse`` gives them.

Not wrk: its pause (the script's ``delay()``) comes after it has connected,
so the open connection waits on the server meanwhile, and a gunicorn sync
worker that accepted it waits for the request instead of serving anyone
else. Measured: two such connections asking for the bare logged-in page
every half second cut the other pages' throughput by two thirds, whatever
they asked for. A browser behind nginx (which hands gunicorn whole
requests) holds no worker while its person reads; these people connect
only when they ask.
"""

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def run(base: str, targets: list[tuple[str, str]], *, seconds: int, people: int, pause_ms: int
        ) -> list[tuple[str, str, str]]:
    """Each of ``people`` asks for ``targets`` ((path, session key) pairs) in
    turn for ``seconds``, waiting ``pause_ms`` after each answer."""
    address = urlsplit(base)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def person(first: int) -> None:
        nonlocal errors
        turn = first
        while time.monotonic() < deadline:
            path, session = targets[turn % len(targets)]
            turn += people
            start = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
                connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
                response = connection.getresponse()
                response.read()
                connection.close()
                failed = response.status >= 400
            except OSError:
                failed = True
            with lock:
                latencies.append(time.perf_counter() - start)
                errors += failed
            time.sleep(pause_ms / 1000)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ms = sorted(latency * 1000 for latency in latencies)
    p99 = statistics.quantiles(ms, n=100)[98] if len(ms) > 1 else (ms[0] if ms else 0.0)
    return [
        ("load_rps", f"{len(ms) / seconds:.1f}", "req/s"),
        ("load_p50_ms", f"{statistics.median(ms) if ms else 0.0:.1f}", "ms"),
        ("load_p99_ms", f"{p99:.1f}", "ms"),
        ("load_errors", str(errors), "requests"),
    ]
