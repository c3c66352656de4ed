"""``Signal`` on its own: connecting, sender filtering, references, dispatch_uid, robust sending, sync and async."""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

import anyio
import anyio.to_thread
import pytest

from fastjango.signals import Signal, receiver


class Sender:
    pass


class Other:
    pass


def test_send_calls_receivers_in_connection_order_with_signal_sender_and_arguments() -> None:
    signal = Signal("ping")
    calls: list[tuple[str, Any]] = []

    def first(sender: Any, **kwargs: Any) -> str:
        calls.append(("first", kwargs))
        return "one"

    def second(sender: Any, **kwargs: Any) -> str:
        calls.append(("second", sender))
        return "two"

    signal.connect(first)
    signal.connect(second)
    responses = signal.send(Sender, value=3)
    assert responses == [(first, "one"), (second, "two")]
    assert calls == [("first", {"signal": signal, "value": 3}), ("second", Sender)]


def test_a_receiver_for_one_sender_hears_only_that_sender() -> None:
    signal = Signal()
    heard: list[Any] = []
    signal.connect(lambda sender, **kwargs: heard.append(("any", sender)), weak=False)
    signal.connect(lambda sender, **kwargs: heard.append(("sender", sender)), sender=Sender, weak=False)
    signal.send(Sender)
    signal.send(Other)
    assert heard == [("any", Sender), ("sender", Sender), ("any", Other)]
    assert signal.has_listeners(Sender)
    assert signal.has_listeners(Other)  # the receiver for any sender


def test_has_listeners_follows_connect_and_disconnect() -> None:
    signal = Signal()

    def handler(sender: Any, **kwargs: Any) -> None: ...

    assert not signal.has_listeners()
    signal.connect(handler, sender=Sender)
    assert signal.has_listeners(Sender)
    assert not signal.has_listeners(Other)
    assert signal.disconnect(handler, sender=Other) is False
    assert signal.disconnect(handler, sender=Sender) is True
    assert not signal.has_listeners(Sender)
    assert signal.send(Sender) == []


def test_receivers_are_held_weakly_by_default_and_dropped_when_deleted() -> None:
    signal = Signal()
    heard: list[str] = []

    def make() -> Any:
        def handler(sender: Any, **kwargs: Any) -> None:
            heard.append("weak")

        return handler

    handler = make()
    signal.connect(handler)
    signal.send(Sender)
    del handler
    gc.collect()
    assert signal.send(Sender) == []
    assert not signal.has_listeners()
    assert heard == ["weak"]


def test_a_bound_method_is_held_weakly_and_a_strong_reference_keeps_a_receiver_alive() -> None:
    signal = Signal()
    heard: list[str] = []

    class Listener:
        def on_event(self, sender: Any, **kwargs: Any) -> None:
            heard.append("method")

    listener = Listener()
    signal.connect(listener.on_event)
    signal.connect(listener.on_event)  # the same method: connected once
    signal.send(Sender)
    del listener
    gc.collect()
    signal.send(Sender)
    assert heard == ["method"]

    def make() -> Any:
        return lambda sender, **kwargs: heard.append("strong")

    signal.connect(make(), weak=False)
    gc.collect()
    signal.send(Sender)
    assert heard == ["method", "strong"]


def test_dispatch_uid_prevents_a_second_connection() -> None:
    signal = Signal()
    heard: list[str] = []

    def one(sender: Any, **kwargs: Any) -> None:
        heard.append("one")

    def two(sender: Any, **kwargs: Any) -> None:
        heard.append("two")

    signal.connect(one, dispatch_uid="audit")
    signal.connect(two, dispatch_uid="audit")
    signal.connect(one)  # no uid: a connection of its own
    signal.send(Sender)
    assert heard == ["one", "one"]
    assert signal.disconnect(dispatch_uid="audit") is True
    heard.clear()
    signal.send(Sender)
    assert heard == ["one"]


def test_the_receiver_decorator_connects_to_one_or_several_signals() -> None:
    first, second = Signal(), Signal()
    heard: list[Any] = []

    @receiver([first, second], sender=Sender)
    def handler(sender: Any, signal: Signal, **kwargs: Any) -> None:
        heard.append(signal)

    first.send(Sender)
    second.send(Sender)
    first.send(Other)
    assert heard == [first, second]


def test_a_receiver_must_accept_keyword_arguments() -> None:
    signal = Signal("post_save")

    def rigid(sender: Any) -> None: ...

    with pytest.raises(TypeError, match=r"post_save must accept \*\*kwargs"):
        signal.connect(rigid)
    with pytest.raises(TypeError, match="needs a callable receiver"):
        signal.connect("not callable")  # type: ignore[arg-type]


def test_an_exception_propagates_from_send_and_stops_later_receivers() -> None:
    signal = Signal()
    heard: list[str] = []

    def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("boom")

    def after(sender: Any, **kwargs: Any) -> None:
        heard.append("after")

    signal.connect(broken)
    signal.connect(after)
    with pytest.raises(ValueError, match="boom"):
        signal.send(Sender)
    assert heard == []


def test_send_robust_collects_exceptions_and_logs_them(caplog: pytest.LogCaptureFixture) -> None:
    signal = Signal("robust")

    def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("boom")

    def fine(sender: Any, **kwargs: Any) -> str:
        return "ok"

    signal.connect(broken)
    signal.connect(fine)
    with caplog.at_level(logging.ERROR, logger="fastjango.signals"):
        responses = signal.send_robust(Sender)
    assert [receiver for receiver, _ in responses] == [broken, fine]
    assert isinstance(responses[0][1], ValueError)
    assert responses[1][1] == "ok"
    assert "robust.send_robust()" in caplog.text


def test_send_runs_async_receivers_to_completion_from_sync_code() -> None:
    signal = Signal()

    async def later(sender: Any, **kwargs: Any) -> str:
        await anyio.sleep(0)
        return "async"

    def now(sender: Any, **kwargs: Any) -> str:
        return "sync"

    signal.connect(later)
    signal.connect(now)
    assert signal.send(Sender) == [(later, "async"), (now, "sync")]


async def test_send_from_a_worker_thread_runs_async_receivers_on_the_running_loop() -> None:
    signal = Signal()
    loop_thread = threading.get_ident()

    async def where(sender: Any, **kwargs: Any) -> int:
        return threading.get_ident()

    signal.connect(where)
    responses = await anyio.to_thread.run_sync(lambda: signal.send(Sender))
    assert responses == [(where, loop_thread)]


async def test_send_on_the_event_loop_thread_refuses_async_receivers() -> None:
    signal = Signal("post_save")

    async def handler(sender: Any, **kwargs: Any) -> None: ...

    signal.connect(handler)
    with pytest.raises(RuntimeError, match=r"use `await post_save.asend\(...\)`"):
        signal.send(Sender)


async def test_asend_awaits_async_receivers_and_runs_sync_ones_off_the_loop() -> None:
    signal = Signal()
    loop_thread = threading.get_ident()

    def sync_receiver(sender: Any, **kwargs: Any) -> bool:
        return threading.get_ident() != loop_thread

    async def async_receiver(sender: Any, **kwargs: Any) -> bool:
        return threading.get_ident() == loop_thread

    signal.connect(sync_receiver)
    signal.connect(async_receiver)
    assert await signal.asend(Sender, value=1) == [(sync_receiver, True), (async_receiver, True)]


async def test_asend_runs_async_receivers_concurrently_and_answers_in_connection_order() -> None:
    signal = Signal()
    both_started = anyio.Event()
    started: list[str] = []

    async def first(sender: Any, **kwargs: Any) -> str:
        started.append("first")
        if len(started) == 2:
            both_started.set()
        with anyio.fail_after(5):
            await both_started.wait()  # returns only if `second` runs meanwhile
        return "first"

    async def second(sender: Any, **kwargs: Any) -> str:
        started.append("second")
        if len(started) == 2:
            both_started.set()
        with anyio.fail_after(5):
            await both_started.wait()
        return "second"

    signal.connect(first)
    signal.connect(second)
    assert await signal.asend(Sender) == [(first, "first"), (second, "second")]


async def test_a_sequential_signal_runs_receivers_one_at_a_time_in_order() -> None:
    signal = Signal(concurrent=False)
    order: list[str] = []

    async def slow(sender: Any, **kwargs: Any) -> None:
        order.append("slow start")
        await anyio.sleep(0.01)
        order.append("slow end")

    def quick(sender: Any, **kwargs: Any) -> None:
        order.append("quick")

    signal.connect(slow)
    signal.connect(quick)
    await signal.asend(Sender)
    assert order == ["slow start", "slow end", "quick"]


@pytest.mark.parametrize("concurrent", [True, False])
async def test_asend_raises_a_receivers_exception(concurrent: bool) -> None:
    signal = Signal(concurrent=concurrent)

    async def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("async boom")

    def sync_broken(sender: Any, **kwargs: Any) -> None:
        raise KeyError("sync boom")

    signal.connect(sync_broken)
    signal.connect(broken)
    with pytest.raises(KeyError, match="sync boom"):  # the first, in connection order
        await signal.asend(Sender)


@pytest.mark.parametrize("concurrent", [True, False])
async def test_asend_robust_collects_exceptions_of_both_kinds(concurrent: bool) -> None:
    signal = Signal(concurrent=concurrent)

    async def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("async boom")

    def sync_broken(sender: Any, **kwargs: Any) -> None:
        raise KeyError("sync boom")

    def fine(sender: Any, **kwargs: Any) -> str:
        return "fine"

    for handler in (sync_broken, broken, fine):
        signal.connect(handler)
    responses = await signal.asend_robust(Sender)
    assert [receiver for receiver, _ in responses] == [sync_broken, broken, fine]
    assert isinstance(responses[0][1], KeyError)
    assert isinstance(responses[1][1], ValueError)
    assert responses[2][1] == "fine"
