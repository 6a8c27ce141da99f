"""Tensor printing against PyTorch's: repr and str for a grid of values, shapes, dtypes and
print options (precision, threshold, edgeitems, linewidth, sci_mode, the profiles), the
suffixes, Parameter's repr, and the options' API and validation.

graphgrad writes dtypes by their NumPy names (``dtype=float64`` where torch writes
``dtype=torch.float64``) and names graph nodes ``<MulBackward>`` (torch:
``<MulBackward0>``); the comparisons map those two spellings and nothing else.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from torch_parity import requires_torch
from torch_parity import torch as _torch

import autograd as ag

DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
            "sci_mode": None}


@pytest.fixture(autouse=True)
def _restore_print_options():
    yield
    ag.set_printoptions(profile="default")
    ag.set_default_dtype(np.float32)


_SUFFIX = re.compile(r"size=\([^)]*\)|dtype=[\w.]+|grad_fn=<\w+>|requires_grad=True")


def _torch_repr(t) -> str:
    """torch's repr of ``t`` with graphgrad's spellings of the suffixes, laid out again by
    torch's own suffix wrapping (a shorter ``dtype=float64`` may fit where
    ``dtype=torch.float64`` wrapped)."""
    torch = _torch()
    text = repr(t)
    head = "Parameter containing:\n" if text.startswith("Parameter containing:\n") else ""
    text = text[len(head):]
    start = re.search(r",\s+(?=(size|dtype|grad_fn|requires_grad)=)", text)
    body = text[:start.start()] if start else text[:-1]
    suffixes = [re.sub(r"(Backward)\d+", r"\1", s.replace("torch.", ""))
                for s in _SUFFIX.findall(text[len(body):])]
    return head + torch._tensor_str._add_suffixes(body, suffixes, len("tensor("), False)


def _values(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Arrays that exercise each rule of the layout (float32 unless named)."""
    r = rng.standard_normal
    f = np.float32
    return {
        "scalar": np.array(2.5, f), "scalar_int_valued": np.array(3.0, f),
        "scalar_zero": np.array(0.0, f), "scalar_neg_zero": np.array(-0.0, f),
        "scalar_small": np.array(1.25e-5, f), "scalar_big": np.array(3.5e9, f),
        "scalar_nan": np.array(np.nan, f), "scalar_ninf": np.array(-np.inf, f),
        "scalar_f64": np.array(1 / 3), "scalar_int": np.array(7), "scalar_bool": np.array(True),
        "vector": r(5).astype(f), "ints_as_floats": np.array([1.0, -2.0, 30.0, 0.0], f),
        "neg_zero": np.array([-0.0, 1.0, 0.0], f), "neg_zero_frac": np.array([-0.0, 0.5], f),
        "nonfinite": np.array([np.nan, 1.5, -np.inf, np.inf, 0.0], f),
        "nonfinite_ints": np.array([np.nan, 2.0, -np.inf], f),
        "all_nan": np.array([np.nan, np.nan], f), "zeros": np.zeros(4, f),
        "wide_range": np.array([1e-3, 1.0, 2e3], f), "tiny": np.array([1e-5, 2e-5], f),
        "huge": np.array([1e8, 2e8, 3.0e9], f), "huge_ints": np.array([1e9, -5e9], f),
        "mixed_sign_sci": np.array([-1e-6, 3e2, 0.0, np.nan], f),
        "just_under_1e8": np.array([9.9e7, 1.0], f),
        "matrix": r((3, 4)).astype(f), "matrix_scaled": (r((4, 3)) * 1e3).astype(f),
        "matrix_small": (r((2, 3)) * 1e-3).astype(f),
        "wraps": r(30).astype(f), "wraps_matrix": r((3, 25)).astype(f),
        "long_ints": np.arange(40) * 123457, "negative_ints": np.array([-5, 10, -300]),
        "cube": r((2, 3, 4)).astype(f), "four_d": r((2, 1, 3, 2)).astype(f),
        "summarized": r(2000).astype(f), "summarized_matrix": r((50, 50)).astype(f),
        "summarized_cols": r((3, 400)).astype(f), "summarized_3d": r((10, 10, 20)).astype(f),
        "summarized_ints": np.arange(1001), "summarized_wide_rows": r((40, 40)).astype(f),
        "summarized_outlier": np.concatenate([r(1500), [1e6]]).astype(f),
        "empty": np.zeros(0, f), "empty_2d": np.zeros((0, 3), f),
        "empty_3d": np.zeros((2, 0, 4), f), "empty_int": np.zeros(0, np.int64),
        "empty_f64": np.zeros((3, 0)), "empty_bool": np.zeros(0, bool),
        "float64": r((2, 3)), "float64_precise": np.array([1 / 3, 2 / 3, 1e-4 + 1e-12]),
        "float16": r((2, 3)).astype(np.float16),
        "float16_ints": np.array([1.0, 2048.0, -3.0], np.float16),
        "float16_range": np.array([6e-5, 65504.0], np.float16),
        "int8": np.array([-128, 0, 127], np.int8), "int16": np.array([[1, -2], [3, 400]],
                                                                          np.int16),
        "int32": np.arange(6, dtype=np.int32).reshape(2, 3), "uint8": np.array([0, 255],
                                                                              np.uint8),
        "bool": np.array([[True, False], [False, True]]),
        "complex64": (r(3) + 1j * r(3)).astype(np.complex64),
        "complex128": np.array([1 + 2j, -0.5 - 1e-3j, 3j]),
        "complex_ints": np.array([1 + 2j, -3 - 0j], np.complex64),
    }


OPTIONS = [
    {}, {"precision": 0}, {"precision": 1}, {"precision": 2}, {"precision": 8},
    {"threshold": 0}, {"threshold": 5}, {"threshold": 10, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0}, {"edgeitems": 5}, {"edgeitems": 0},
    {"linewidth": 20}, {"linewidth": 1}, {"linewidth": 140},
    {"sci_mode": True}, {"sci_mode": False}, {"sci_mode": True, "precision": 2},
    {"profile": "short"}, {"profile": "full"}, {"profile": "short", "precision": 5},
]


@requires_torch
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(
    f"{k}={v}" for k, v in o.items()) or "defaults")
def test_repr_matches_torch(options, rng):
    torch = _torch()
    values = _values(rng)
    ag.set_printoptions(**options)
    torch.set_printoptions(**options)
    try:
        for name, a in values.items():
            ours = ag.tensor(a)
            expected = _torch_repr(torch.from_numpy(a.copy()))
            assert repr(ours) == expected, f"{name} with {options}"
            assert str(ours) == expected, f"{name} with {options}"
    finally:
        torch.set_printoptions(profile="default")


@requires_torch
@pytest.mark.parametrize("default", [np.float32, np.float64])
def test_suffixes_match_torch(default, rng):
    """dtype= against the default dtype, requires_grad=True, grad_fn=, and their wrapping
    onto a new line past linewidth."""
    torch = _torch()
    ag.set_default_dtype(default)
    torch.set_default_dtype(getattr(torch, np.dtype(default).name))
    try:
        for dtype in (np.float32, np.float64, np.float16):
            for shape in [(), (3,), (2, 3), (6, 7), (0,), (0, 2), (8,)]:
                a = (rng.standard_normal(shape) * 10).astype(dtype)
                leaf = ag.tensor(a, requires_grad=True)
                their_leaf = torch.tensor(a, requires_grad=True)
                assert repr(leaf) == _torch_repr(their_leaf)
                assert repr(leaf * 2) == _torch_repr(their_leaf * 2)
                assert repr(leaf + leaf) == _torch_repr(their_leaf + their_leaf)
                assert repr(ag.tensor(a)) == _torch_repr(torch.tensor(a))
        for dtype in (np.complex64, np.complex128, np.int64, np.int32, np.bool_):
            a = np.ones((2, 2), dtype)
            assert repr(ag.tensor(a)) == _torch_repr(torch.from_numpy(a))
            assert repr(ag.tensor(a[:0])) == _torch_repr(torch.from_numpy(a[:0]))
        with ag.printoptions(linewidth=40):
            torch.set_printoptions(linewidth=40)
            a = rng.standard_normal(4)
            assert repr(ag.tensor(a, requires_grad=True) * 3).count("\n") >= 1
            assert repr(ag.tensor(a, requires_grad=True) * 3) == _torch_repr(
                torch.tensor(a, requires_grad=True) * 3)
    finally:
        torch.set_default_dtype(torch.float32)
        torch.set_printoptions(profile="default")


@requires_torch
def test_parameter_repr_matches_torch(rng):
    import nn

    torch = _torch()
    a = rng.standard_normal((3, 2)).astype(np.float32)
    expected = _torch_repr(torch.nn.Parameter(torch.from_numpy(a.copy())))
    assert expected.startswith("Parameter containing:\ntensor([[")
    assert repr(nn.Parameter(ag.tensor(a))) == expected
    assert str(nn.Parameter(ag.tensor(a))) == expected
    frozen = _torch_repr(torch.nn.Parameter(torch.from_numpy(a.astype(np.float64)),
                                            requires_grad=False))
    assert repr(nn.Parameter(ag.tensor(a.astype(np.float64)), requires_grad=False)) == frozen


def test_repr_keeps_the_known_layout():
    """Without torch: the layouts the README and docstrings show."""
    x = ag.tensor([[1.5, 2.0], [3.0, 4.0]], requires_grad=True)
    assert repr(x) == "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]], requires_grad=True)"
    assert repr(ag.tensor([1.0, 2.0]) * 2) == "tensor([2., 4.])"
    assert repr(ag.tensor(2.0, dtype=np.float64)) == "tensor(2., dtype=float64)"
    assert repr(ag.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(ag.tensor([True, False])) == "tensor([ True, False])"
    assert repr(ag.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(ag.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"
    assert f"{ag.tensor([0.5])}" == "tensor([0.5000])"
    assert f"{ag.tensor(0.5):.2f}" == "0.50"


def test_options_api():
    assert ag.get_printoptions() == DEFAULTS
    ag.set_printoptions(precision=2, threshold=5, edgeitems=1, linewidth=40, sci_mode=True)
    assert ag.get_printoptions() == {"precision": 2, "threshold": 5, "edgeitems": 1,
                                     "linewidth": 40, "sci_mode": True}
    assert repr(ag.arange(10)) == "tensor([0,  ..., 9])"  # torch's " ..." item
    # as in torch, a call that leaves sci_mode out sets it back to automatic
    ag.set_printoptions(precision=3)
    assert ag.get_printoptions()["sci_mode"] is None
    ag.set_printoptions(profile="full")
    assert ag.get_printoptions()["threshold"] == math.inf
    assert "..." not in repr(ag.zeros(5000))
    ag.set_printoptions(profile="short", edgeitems=4)
    assert ag.get_printoptions() == {"precision": 2, "threshold": 1000, "edgeitems": 4,
                                     "linewidth": 80, "sci_mode": None}
    ag.set_printoptions(profile="default")
    assert ag.get_printoptions() == DEFAULTS


def test_printoptions_context_restores_even_after_an_error():
    ag.set_printoptions(precision=3)
    with ag.printoptions(precision=1, sci_mode=False):
        assert repr(ag.tensor([1e-6, 1.0])) == "tensor([0.0, 1.0])"
        assert ag.get_printoptions()["precision"] == 1
    assert ag.get_printoptions() == {**DEFAULTS, "precision": 3}
    with pytest.raises(KeyError), ag.printoptions(threshold=3):
        raise KeyError("inside")
    assert ag.get_printoptions() == {**DEFAULTS, "precision": 3}


@requires_torch
def test_options_api_matches_torch():
    torch = _torch()
    try:
        for options in OPTIONS:
            ag.set_printoptions(**options)
            torch.set_printoptions(**options)
            assert ag.get_printoptions() == torch._tensor_str.get_printoptions()
    finally:
        torch.set_printoptions(profile="default")


@pytest.mark.parametrize("options,error,message", [
    ({"profile": "long"}, ValueError, "unknown profile 'long'; use one of 'default'"),
    ({"precision": -1}, ValueError, "precision must be >= 0"),
    ({"precision": 1.5}, TypeError, "precision must be a number"),
    ({"precision": True}, TypeError, "precision must be a number"),
    ({"threshold": float("nan")}, ValueError, "threshold must be >= 0"),
    ({"threshold": "10"}, TypeError, "threshold must be a number"),
    ({"edgeitems": -2}, ValueError, "edgeitems must be >= 0"),
    ({"linewidth": 0}, ValueError, "linewidth must be >= 1"),
    ({"sci_mode": "yes"}, TypeError, "sci_mode must be True, False or None"),
    ({"precision": 2, "profile": "wide"}, ValueError, "unknown profile"),
])
def test_invalid_options_raise_and_change_nothing(options, error, message):
    ag.set_printoptions(precision=6, sci_mode=True)
    before = ag.get_printoptions()
    with pytest.raises(error, match=re.escape(message)):
        ag.set_printoptions(**options)
    assert ag.get_printoptions() == before
    with pytest.raises(error), ag.printoptions(**options):
        pass
    assert ag.get_printoptions() == before


def _random_case(rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """A random array (dtype, shape, magnitudes, special values) and random options."""
    dtype = rng.choice(["float32", "float64", "float16", "int64", "int32", "uint8", "bool",
                        "complex64"])
    ndim = int(rng.integers(0, 5))
    shape = tuple(int(n) for n in rng.integers(0 if rng.random() < 0.05 else 1, 9, ndim))
    if rng.random() < 0.15:  # long enough to summarize
        shape = shape[:-1] + (int(rng.integers(200, 1500)),) if shape else (1200,)
    magnitude = 10.0 ** rng.uniform(-7, 11, shape)
    a = rng.standard_normal(shape) * magnitude
    if rng.random() < 0.3:
        a = np.round(a)
    if rng.random() < 0.2 and a.size:
        a.flat[rng.integers(0, a.size, 3)] = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0])
    if dtype == "complex64":
        a = a + 1j * rng.standard_normal(shape)
    elif dtype == "bool":
        a = a > 0
    elif dtype in ("int64", "int32", "uint8"):
        a = np.nan_to_num(a, posinf=0, neginf=0) % 200
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.asarray(a).astype(dtype)
    options = {}
    for key, choices in [("precision", [0, 1, 2, 3, 6]), ("threshold", [0, 4, 50, 1000]),
                         ("edgeitems", [0, 1, 2, 3, 4]), ("linewidth", [10, 40, 80, 120]),
                         ("sci_mode", [True, False]),
                         ("profile", ["default", "short", "full"])]:
        if rng.random() < 0.3:
            options[key] = choices[int(rng.integers(len(choices)))]
    return a, options


@requires_torch
def test_random_tensors_and_options_match_torch():
    torch = _torch()
    rng = np.random.default_rng(20261201)
    try:
        for case in range(400):
            a, options = _random_case(rng)
            ag.set_printoptions(**options)
            torch.set_printoptions(**options)
            requires_grad = a.dtype.kind == "f" and rng.random() < 0.3
            ours = ag.tensor(a, requires_grad=requires_grad)
            theirs = torch.from_numpy(a.copy()).requires_grad_(requires_grad)
            assert repr(ours) == _torch_repr(theirs), f"case {case}: {a.dtype} " \
                f"{a.shape} with {options}"
    finally:
        torch.set_printoptions(profile="default")
