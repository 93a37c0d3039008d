"""How the demo and the tests run SIPp as a SIP peer (a softphone, a trunk)."""

from __future__ import annotations

from pathlib import Path


def sipp_command(sipp: str, scenario: Path, port: int, *, trace: str = "-trace_err") -> list[str]:
    """SIPp playing ``scenario`` once on 127.0.0.1:``port``, failing after 20 s; it exits
    0 only when the scenario ran to its end."""
    return [
        sipp,
        "-sf",
        str(scenario),
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
        "-m",
        "1",
        "-timeout",
        "20s",
        "-timeout_error",
        "-nostdin",
        trace,
    ]
