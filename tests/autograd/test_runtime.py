"""``autograd.runtime``: seeds and the generator's state, type queries and promotion
against PyTorch's, ``finfo``/``iinfo`` and the BLAS thread count."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd import runtime

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]


def _torch_dtype(name: str):
    return getattr(torch(), name)


def test_rng_state_round_trips_and_repeats_draws() -> None:
    ag.manual_seed(3)
    ag.rand(5)
    state = runtime.get_rng_state()
    assert state.dtype == np.uint8 and state.shape == (37,)
    first = ag.randn(4).data
    runtime.set_rng_state(state)
    np.testing.assert_array_equal(ag.randn(4).data, first)
    with pytest.raises(ValueError, match="set_rng_state"):
        runtime.set_rng_state(ag.tensor(np.zeros(3, dtype=np.uint8)))


def test_seeds() -> None:
    ag.manual_seed(1234)
    assert runtime.initial_seed() == 1234
    drawn = runtime.seed()
    assert 0 <= drawn < 2**63 and runtime.initial_seed() == drawn
    a = ag.rand(3).data
    ag.manual_seed(drawn)
    np.testing.assert_array_equal(ag.rand(3).data, a)


@requires_torch
def test_type_queries_match_torch() -> None:
    t = ag.tensor(np.zeros(2))
    assert runtime.is_tensor(t) and not runtime.is_tensor(np.zeros(2))
    assert not runtime.is_storage(t)
    for name in ["float64", "float32", "int64", "bool", "uint8"]:
        ours = runtime.typename(ag.tensor(np.zeros(1, dtype=name)))
        assert ours == torch().typename(torch().zeros(1, dtype=_torch_dtype(name)))
    for obj in [1, 2.5, np.zeros(1), "s"]:
        assert runtime.typename(obj) == torch().typename(obj)


@requires_torch
def test_promote_types_and_can_cast_match_torch() -> None:
    for a, b in itertools.product(DTYPES, DTYPES):
        expected = torch().promote_types(_torch_dtype(a), _torch_dtype(b))
        assert runtime.promote_types(a, b).name == str(expected).removeprefix("torch."), (a, b)
        expected_cast = torch().can_cast(_torch_dtype(a), _torch_dtype(b))
        assert runtime.can_cast(a, b) == expected_cast, (a, b)


@requires_torch
@pytest.mark.parametrize("left,right", [
    ("int64", 2.5), ("int32", 3), ("float16", 1.0), ("bool", 2), ("uint8", True),
    ("int64", "float32_0d"), ("float32", "float64_0d"), ("int8", "int64_0d"),
    ("float32", "complex128_0d"), ("float64", 1j), ("float32", 1j), ("bool", "int8"),
    ("int64", "float16")])
def test_result_type_matches_torch(left: str, right) -> None:
    def both(spec):
        if not isinstance(spec, str):
            return spec, spec
        name, zero = spec.removesuffix("_0d"), spec.endswith("_0d")
        shape = () if zero else (2,)
        return (ag.tensor(np.zeros(shape, dtype=name)),
                torch().zeros(shape, dtype=_torch_dtype(name)))
    (ours_l, theirs_l), (ours_r, theirs_r) = both(left), both(right)
    expected = str(torch().result_type(theirs_l, theirs_r)).removeprefix("torch.")
    assert runtime.result_type(ours_l, ours_r).name == expected
    with pytest.raises(TypeError, match="result_type"):
        runtime.result_type(ours_l, "x")


@requires_torch
def test_finfo_and_iinfo_match_torch() -> None:
    for name in ["float16", "float32", "float64"]:
        ours, theirs = runtime.finfo(name), torch().finfo(_torch_dtype(name))
        for field in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"]:
            assert getattr(ours, field) == getattr(theirs, field), (name, field)
        assert ours.dtype == theirs.dtype
    assert runtime.finfo().dtype == "float32"
    for name in ["uint8", "int8", "int16", "int32", "int64"]:
        ours, theirs = runtime.iinfo(name), torch().iinfo(_torch_dtype(name))
        assert (ours.bits, ours.max, ours.min, ours.dtype) == (theirs.bits, theirs.max,
                                                               theirs.min, theirs.dtype)
    with pytest.raises(TypeError, match="iinfo"):
        runtime.finfo("int32")
    with pytest.raises(TypeError, match="finfo"):
        runtime.iinfo("float32")


def test_num_threads_round_trip() -> None:
    before = runtime.get_num_threads()
    try:
        runtime.set_num_threads(1)
        assert runtime.get_num_threads() == 1
    finally:
        runtime.set_num_threads(before)
    assert runtime.get_num_threads() == before
    with pytest.raises(ValueError, match="set_num_threads"):
        runtime.set_num_threads(0)


def test_the_runtime_helpers_are_autograd_names_as_in_torch() -> None:
    for name in ("seed", "initial_seed", "get_rng_state", "set_rng_state", "is_tensor",
                 "typename", "result_type", "promote_types", "can_cast", "finfo", "iinfo",
                 "get_num_threads", "set_num_threads"):
        assert getattr(ag, name) is getattr(runtime, name) and name in ag.__all__
