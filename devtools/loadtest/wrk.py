"""Drive a site with wrk (Debian package ``wrk``) and read its figures."""

import re
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).with_name("targets.lua")


class WrkError(Exception):
    """wrk failed, or printed what it does not usually print."""


def run(base: str, targets: list[tuple[str, str]], *, seconds: int, connections: int) -> str:
    """wrk's report on requesting ``targets``, (path, session key) pairs, in
    turn, each connection asking again as soon as it is answered (people
    who pause between requests: ``people.py``)."""
    pairs = [argument for target in targets for argument in target]
    result = subprocess.run(
        ["wrk", "--latency", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
         "--timeout", "10s", "-s", str(SCRIPT), base + "/", "--", *pairs],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    if result.returncode:
        raise WrkError(f"wrk failed: {result.stderr}")
    return result.stdout


def parse(output: str) -> list[tuple[str, str, str]]:
    """The figures from ``wrk --latency`` output, as ``bench`` prints them: (name, value, unit)."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\b", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", output, re.M)
    if not (rps and p50 and p99):
        raise WrkError(f"Could not read wrk's output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return [
        ("load_rps", f"{float(rps.group(1)):.1f}", "req/s"),
        ("load_p50_ms", f"{_ms(*p50.groups()):.1f}", "ms"),
        ("load_p99_ms", f"{_ms(*p99.groups()):.1f}", "ms"),
        ("load_errors", str(errors), "requests"),
    ]


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
