"""Pins the asgiref internal of `booknest/internals/asgiref.py`."""

import asyncio

from asgiref.sync import async_to_sync

from booknest.internals.asgiref import called_from_sync_thread


def test_a_coroutine_knows_whether_a_sync_thread_waits_for_it():
    async def inside():
        return called_from_sync_thread()

    assert async_to_sync(inside)() is True
    assert asyncio.run(inside()) is False
