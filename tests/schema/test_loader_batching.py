"""Loaders due together share one trip to the worker thread, and still fail on their own."""

import asyncio

import pytest

from schema import loaders as loaders_module
from schema.loaders import Loader, Loaders, ThreadWork


class Context:
    def __init__(self) -> None:
        self.loaders = Loaders(self)


class Squares(Loader[int, int]):
    def batch_load(self, keys):
        return [key * key for key in keys]


class Names(Loader[int, str]):
    def batch_load(self, keys):
        return [f"n{key}" for key in keys]


class Broken(Loader[int, int]):
    def batch_load(self, keys):
        raise RuntimeError("the database is gone")


@pytest.fixture
def hops(monkeypatch) -> list[int]:
    """How many batches each worker-thread trip ran."""
    seen: list[int] = []
    real = loaders_module.sync_to_async

    def counting(fn):
        wrapped = real(fn)

        async def call(batches):
            seen.append(len(batches))
            return await wrapped(batches)

        return call

    monkeypatch.setattr(loaders_module, "sync_to_async", counting)
    return seen


def test_loaders_asked_together_run_in_one_trip_with_their_own_answers(hops):
    async def page():
        registry = Context().loaders
        squares, names = registry.get(Squares), registry.get(Names)
        return await asyncio.gather(squares.load(3), names.load(3), squares.load(4))

    assert asyncio.run(page()) == [9, "n3", 16]
    assert hops == [2]  # Squares (keys 3 and 4, one batch) and Names: one trip


def test_a_failing_loader_fails_alone(hops):
    async def page():
        registry = Context().loaders
        return await asyncio.gather(
            registry.get(Broken).load(1), registry.get(Names).load(1), return_exceptions=True
        )

    broken, name = asyncio.run(page())
    assert isinstance(broken, RuntimeError) and "database is gone" in str(broken)
    assert name == "n1"
    assert hops == [2]


def test_loads_that_depend_on_each_other_take_one_trip_each(hops):
    async def page():
        registry = Context().loaders
        first = await registry.get(Squares).load(2)
        return await registry.get(Names).load(first)

    assert asyncio.run(page()) == "n4"
    assert hops == [1, 1]


def test_thread_work_rides_along_with_the_loaders_and_fails_alone(hops):
    def page_of_reviews():
        return ["review 1", "review 2"]

    def bad_cursor():
        raise ValueError("not a cursor")

    async def page():
        registry = Context().loaders
        work = registry.get(ThreadWork)

        async def square():  # as a resolver asks: in its own coroutine, like `work.run`
            return await registry.get(Squares).load(3)

        return await asyncio.gather(
            square(),
            work.run(page_of_reviews),
            work.run(bad_cursor),
            return_exceptions=True,
        )

    square, reviews, failed = asyncio.run(page())
    assert square == 9
    assert reviews == ["review 1", "review 2"]
    assert isinstance(failed, ValueError) and str(failed) == "not a cursor"
    assert hops == [2]  # Squares and both pieces of work: one trip
