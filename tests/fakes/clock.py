"""A virtual clock for limiters and pacers: time passes only when the code under test sleeps.

A limiter given `clock=virtual.now, sleep=virtual.sleep` waits no real time, and every wait it decides
is measured exactly, however loaded the machine is (real requests in between take no virtual time).
For one waiter at a time: sleeps of concurrent tasks would add up instead of overlapping.
"""

from __future__ import annotations

import asyncio


class VirtualClock:
    """`now()` is the virtual time in seconds; `sleep(s)` moves it on by s and lets other tasks run."""

    def __init__(self, start: float = 1000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []  # every sleep asked for, in order

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += max(seconds, 0.0)
        await asyncio.sleep(0)
