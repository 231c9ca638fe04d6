"""The worker queue behind thumbnails and album pages: newest first, bounded, waitable."""

from __future__ import annotations

import threading

from organizer.ui.latest_first import LatestFirst


def test_newest_requests_first_and_oldest_dropped() -> None:
    gate = threading.Event()
    served: list[int] = []

    def handle(key: int, _value: str) -> None:
        gate.wait(10)
        served.append(key)

    queue: LatestFirst[int, str] = LatestFirst(handle, 1, 3, "test")
    queue.put(0, "busy")  # taken at once by the only thread, which then waits on the gate
    while not queue._in_flight:  # noqa: SLF001 - wait until the thread holds request 0
        threading.Event().wait(0.001)
    for key in range(1, 6):
        queue.put(key, "x")
    gate.set()
    assert queue.wait_idle(10)
    # 1 and 2 fell off the bound of 3; the rest came newest first.
    assert served == [0, 5, 4, 3]


def test_errors_do_not_stop_the_workers_and_idle_workers_restart() -> None:
    served: list[int] = []

    def handle(key: int, _value: None) -> None:
        if key == 1:
            raise ValueError("a bug in one request")
        served.append(key)

    queue: LatestFirst[int, None] = LatestFirst(handle, 2, 10, "test", idle_s=0.05)
    queue.put(1, None)
    assert queue.wait_idle(10)
    queue.put(2, None)
    assert queue.wait_idle(10)
    assert served == [2]
    threading.Event().wait(0.2)  # the idle threads end ...
    queue.put(3, None)  # ... and a new request starts one again
    assert queue.wait_idle(10)
    assert served == [2, 3]


def test_cleared_requests_never_run() -> None:
    gate = threading.Event()
    served: list[int] = []

    def handle(key: int, _value: None) -> None:
        gate.wait(10)
        served.append(key)

    queue: LatestFirst[int, None] = LatestFirst(handle, 1, 10, "test")
    queue.put(0, None)
    while not queue._in_flight:  # noqa: SLF001 - wait until the thread holds request 0
        threading.Event().wait(0.001)
    queue.put(1, None)
    queue.put(2, None)
    queue.clear()  # the grid shows other photos now
    gate.set()
    assert queue.wait_idle(10)
    assert served == [0]
