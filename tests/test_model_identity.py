"""A label is a value: two loads of one file are equal, a copy is equal to its original, and the memo of a label's
walk (labeling/model.py) belongs to the label object it was made for and goes with it."""

from __future__ import annotations

import gc
from pathlib import Path

from labeling import model
from labeling.load import load_label
from labeling.model import walk

SAMPLE = Path(__file__).resolve().parent.parent / "content" / "metformin.yaml"


def test_two_loads_are_equal_and_copies_equal_their_original():
    first, second = load_label(SAMPLE), load_label(SAMPLE)
    list(walk(first)), list(walk(second))  # walked (and memoised) before comparing
    assert first == second
    assert first.model_copy() == first
    assert first.model_copy(deep=True) == first


def test_a_copy_walks_itself():
    label = load_label(SAMPLE)
    list(walk(label))
    copy = label.model_copy()
    (root, node), *_ = walk(copy)
    assert node is copy and root.raw == ()
    changed = label.model_copy(update={"gaps": []})
    assert all(node is not label.gaps for _, node in walk(changed))


def test_the_walk_memo_goes_with_the_label():
    label = load_label(SAMPLE)
    list(walk(label))
    assert id(label) in model._walked.cache
    key = id(label)
    del label
    gc.collect()
    assert key not in model._walked.cache
