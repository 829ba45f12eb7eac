"""The event loop a run awaits its async code on: async ops and async resources.

One loop per run (per process, for a run spread over workers), on a thread
of its own, started the first time something async needs it and stopped
when the run's resources close. Async resources are entered on it and
async ops awaited on it, so an object bound to a loop (a connection pool,
an HTTP session) made by a resource works in every op. The calling thread
blocks until its coroutine is done; the async executor calls from many
threads at once, so their coroutines run together on the loop.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

__all__ = ["EventLoopThread"]


class EventLoopThread:
    """An asyncio loop running on a daemon thread; :meth:`run` awaits on it from any thread."""

    def __init__(self) -> None:
        import asyncio  # only runs with async code pay for it (~14 ms)

        self._asyncio = asyncio
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="dagwright-event-loop", daemon=True
        )
        self._thread.start()

    def run(self, awaitable: Any) -> Any:
        """Await ``awaitable`` on the loop and return its result; block the calling thread
        until then. An interrupt of the caller (Ctrl-C, a cancel) cancels the coroutine."""
        future = self._asyncio.run_coroutine_threadsafe(_awaited(awaitable), self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def iterate(self, items: AsyncIterator[Any]) -> Iterator[Any]:
        """An async iterator's items, each awaited on the loop when asked for."""
        while True:
            try:
                yield self.run(items.__anext__())
            except StopAsyncIteration:
                return

    def close(self) -> None:
        """Stop the loop (after cancelling what still runs on it, a step given up on, and
        closing its async generators) and its thread."""
        if self.loop.is_closed():
            return
        try:
            self.run(_cancel_others(self._asyncio))
            self.run(self.loop.shutdown_asyncgens())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
            self.loop.close()


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


async def _cancel_others(asyncio: Any) -> None:
    """Cancel every other task of the running loop and let each see its cancellation."""
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
