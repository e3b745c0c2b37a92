"""A builder's result is reused only for arguments with the same content: a copy of a frame hits,
one changed cell, a closure over another value or another builder misses, and what cannot be
digested is built every time."""

import dataclasses
import datetime as dt
import functools
import threading

import pandas as pd
import pytest

from dashboard.core.content_memo import ContentMemo, Undigestible, content_digest


def build(frame, label="x"):
    build.calls += 1
    return {"total": int(frame["n"].sum()), "label": label}


@pytest.fixture(autouse=True)
def reset_calls():
    build.calls = 0


def frame(values=(1, 2, 3)):
    return pd.DataFrame({"month_start": [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)],
                         "n": list(values)})


def test_a_copy_of_the_same_frame_reuses_the_result():
    memo = ContentMemo()
    first = memo.get(build, frame())
    second = memo.get(build, frame().copy())
    assert first is second and build.calls == 1
    assert first == {"total": 6, "label": "x"}  # 1 + 2 + 3


def test_one_changed_cell_builds_again():
    memo = ContentMemo()
    memo.get(build, frame())
    changed = memo.get(build, frame((1, 2, 4)))
    assert changed["total"] == 7 and build.calls == 2  # 1 + 2 + 4


def test_a_changed_index_or_column_name_builds_again():
    memo = ContentMemo()
    memo.get(build, frame())
    memo.get(build, frame().set_axis([5, 6, 7]))
    assert build.calls == 2
    assert content_digest(frame()) != content_digest(frame().rename(columns={"month_start": "month"}))


def test_keyword_arguments_are_part_of_the_key():
    memo = ContentMemo()
    assert memo.get(build, frame(), label="a")["label"] == "a"
    assert memo.get(build, frame(), label="b")["label"] == "b"
    assert build.calls == 2


def labels(values, name_of):
    labels.calls += 1
    return [name_of(value) for value in values]


def test_closures_over_different_values_are_different_arguments():
    def name_lookup(names):
        return lambda value: names.get(value, value)

    memo, labels.calls = ContentMemo(), 0
    assert memo.get(labels, ["paid_search"], name_lookup({"paid_search": "Paid search"})) == ["Paid search"]
    assert memo.get(labels, ["paid_search"], name_lookup({"paid_search": "Google Ads"})) == ["Google Ads"]
    assert memo.get(labels, ["paid_search"], name_lookup({"paid_search": "Google Ads"})) == ["Google Ads"]
    assert labels.calls == 2


def test_partials_over_the_same_bound_values_reuse_the_result_and_over_others_build_again():
    # Team KPIs names channels through functools.partial(config.display_name, "channel"): a partial
    # it could not digest rebuilt the channel chart on every rerun.
    @dataclasses.dataclass(frozen=True)
    class Names:
        names: tuple

        def display_name(self, kind, value):
            return dict(self.names).get((kind, value), value)

    google = Names(((("channel", "paid_search"), "Google Ads"),))
    memo, labels.calls = ContentMemo(), 0
    assert memo.get(labels, ["paid_search"], functools.partial(google.display_name, "channel")) == ["Google Ads"]
    assert memo.get(labels, ["paid_search"], functools.partial(Names(google.names).display_name, "channel")) == ["Google Ads"]
    assert labels.calls == 1
    paid = Names(((("channel", "paid_search"), "Paid search"),))
    assert memo.get(labels, ["paid_search"], functools.partial(paid.display_name, "channel")) == ["Paid search"]
    assert memo.get(labels, ["paid_search"], functools.partial(google.display_name, "segment")) == ["paid_search"]
    assert labels.calls == 3


def test_dataclasses_are_digested_field_by_field():
    @dataclasses.dataclass(frozen=True)
    class Page:
        month: dt.date
        rows: pd.DataFrame

    june = Page(dt.date(2026, 6, 1), frame())
    assert content_digest(june) == content_digest(Page(dt.date(2026, 6, 1), frame().copy()))
    assert content_digest(june) != content_digest(Page(dt.date(2026, 7, 1), frame()))


def test_values_of_different_types_do_not_collide():
    assert content_digest(1) != content_digest("1") != content_digest(1.0)
    assert content_digest(True) != content_digest(1)
    assert content_digest(None) != content_digest("None")


def test_an_argument_it_cannot_digest_is_built_every_time():
    memo = ContentMemo()
    lock = threading.Lock()
    calls = []

    def builder(value):
        calls.append(1)
        return len(calls)

    with pytest.raises(Undigestible):
        content_digest(lock)
    assert memo.get(builder, lock) == 1 and memo.get(builder, lock) == 2
    assert len(memo) == 0


def test_a_frame_holding_lists_is_built_every_time():
    memo = ContentMemo()
    odd = pd.DataFrame({"n": [1], "tags": [["a", "b"]]})
    memo.get(build, odd)
    memo.get(build, odd)
    assert build.calls == 2


def test_the_oldest_result_goes_first():
    memo = ContentMemo(max_entries=2)
    memo.get(build, frame((1, 1, 1)))
    memo.get(build, frame((2, 2, 2)))
    memo.get(build, frame((1, 1, 1)))  # used again: now the newest
    memo.get(build, frame((3, 3, 3)))  # evicts (2, 2, 2)
    assert len(memo) == 2 and build.calls == 3
    memo.get(build, frame((1, 1, 1)))
    assert build.calls == 3
    memo.get(build, frame((2, 2, 2)))
    assert build.calls == 4
