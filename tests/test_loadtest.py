from assessments.management.commands.loadtest import parse_wrk

WRK_OUTPUT = """\
Running 30s test @ http://127.0.0.1:40123/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.20ms   20.11ms 240.00ms   70.00%
    Req/Sec   130.50     20.00   180.00     70.00%
  Latency Distribution
     50%   58.30ms
     75%   70.00ms
     90%   90.00ms
     99%  150.25ms
  7830 requests in 30.01s, 200.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    260.91
Transfer/sec:      6.66MB
"""


def test_wrk_output_becomes_bench_style_figures():
    assert parse_wrk(WRK_OUTPUT) == [
        ("load_rps", "260.9", "req/s"),
        ("load_p50_ms", "58.3", "ms"),
        ("load_p99_ms", "150.2", "ms"),
        ("load_errors", "3", "requests"),
    ]


def test_socket_errors_count_as_errors_and_seconds_are_converted():
    output = WRK_OUTPUT.replace("99%  150.25ms", "99%    1.20s").replace(
        "  Non-2xx or 3xx responses: 3\n",
        "  Socket errors: connect 0, read 2, write 0, timeout 1\n",
    )

    figures = {name: value for name, value, _ in parse_wrk(output)}

    assert figures["load_p99_ms"] == "1200.0"
    assert figures["load_errors"] == "3"
