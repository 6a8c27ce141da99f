"""Random programs of in-place changes (activations, arithmetic, writes, changes through
views, with views kept alive), run by graphgrad and by PyTorch from the same values: the
same results, the same gradients, the same refusals. Where PyTorch refuses a program that
graphgrad runs (graphgrad keeps a saved value PyTorch would need again), graphgrad's
gradients are checked by finite differences instead."""

from __future__ import annotations

import functools
import random

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

SEEDS_PER_CASE, CASES = 50, 8


def _changes(k: str, o: str, rnd: random.Random) -> dict:
    """The changes a program step may make to tensor ``D[k]`` (``D[o]`` is the other one,
    r a (3,) leaf); each takes ``(D, r, lib)``, lib being ``autograd`` or ``torch``."""
    i, j = rnd.randrange(4), rnd.randrange(3)
    return {
        "relu_": lambda D, r, lib: D[k].relu_(),
        "sigmoid_": lambda D, r, lib: D[k].sigmoid_(),
        "tanh_": lambda D, r, lib: D[k].tanh_(),
        "neg_": lambda D, r, lib: D[k].neg_(),
        "exp_": lambda D, r, lib: D[k].mul_(0.1).exp_(),
        "sqrt_": lambda D, r, lib: D[k].abs_().add_(0.5).sqrt_(),
        "add_ tensor": lambda D, r, lib: D[k].add_(D[o]),
        "sub_ row": lambda D, r, lib: D[k].sub_(r),
        "mul_ number": lambda D, r, lib: D[k].mul_(0.7),
        "add_ int": lambda D, r, lib: D[k].add_(2),
        "mul_ row": lambda D, r, lib: D[k].mul_(r),
        "mul_ itself": lambda D, r, lib: D[k].mul_(D[k]),
        "div_ row": lambda D, r, lib: D[k].div_(r * r + 1.0),
        "div_ number": lambda D, r, lib: D[k].div_(3.0),
        "pow_": lambda D, r, lib: D[k].pow_(2),
        "clamp_": lambda D, r, lib: D[k].clamp_(-0.5, 0.5),
        "clamp_min_": lambda D, r, lib: D[k].clamp_min_(0.1),
        "addcmul_": lambda D, r, lib: D[k].addcmul_(D[o], r, value=0.5),
        "masked_fill_": lambda D, r, lib: D[k].masked_fill_(D[o].detach() > 0, 0.25),
        "write row": lambda D, r, lib: D[k].__setitem__(i, r * 2.0),
        "write column": lambda D, r, lib: D[k].__setitem__((slice(None), j),
                                                           D[o][:, 0] * 1.5),
        "write mask": lambda D, r, lib: D[k].__setitem__(D[o].detach() < 0, r[0]),
        "fill_": lambda D, r, lib: D[k].fill_(r[0]),
        "zero_": lambda D, r, lib: D[k].zero_(),
        "copy_": lambda D, r, lib: D[k].copy_(D[o] * 0.5),
        "row add_": lambda D, r, lib: D[k][i].add_(r),
        "row sub_ row": lambda D, r, lib: D[k][0].sub_(D[k][1]),
        "T row mul_": lambda D, r, lib: D[k].T[1].mul_(D[o][0, 0]),
        "T tanh_": lambda D, r, lib: D[k].T.tanh_(),
        "slice relu_": lambda D, r, lib: D[k][1:3].relu_(),
        "columns sigmoid_": lambda D, r, lib: D[k][:, 1:].sigmoid_(),
        "flat view add_": lambda D, r, lib: D[k].view(-1)[3:6].add_(r),
        "unsqueezed mul_": lambda D, r, lib: D[k].unsqueeze(0)[0, 1].mul_(r),
        "relu": lambda D, r, lib: D.__setitem__(k, lib.relu(D[k])),
        "product": lambda D, r, lib: D.__setitem__(k, D[k] * D[o]),
        "quotient": lambda D, r, lib: D.__setitem__(k, D[k] / (r * r + 1.0)),
        "transposed copy": lambda D, r, lib: D.__setitem__(k, D[k].T.contiguous().T),
        "reshaped views": lambda D, r, lib: D.__setitem__(k, D[k].reshape(3, 4).reshape(4, 3)),
        "clone": lambda D, r, lib: D.__setitem__(k, D[k].clone()),
        "nested view add_": lambda D, r, lib: D[k][1:][0].add_(r),
        "T slice mul_": lambda D, r, lib: D[k].T[1:].mul_(2.0),
        "rows copy_ rows": lambda D, r, lib: D[k][0:2].copy_(D[k][2:4] * 1.0),
        "add_ expanded": lambda D, r, lib: D[k].add_(r.unsqueeze(0).expand(4, 3)),
    }


def _program(lib, x, y, r, w, seed: int):
    """The loss of program ``seed`` on leaves x, y (4, 3) and r (3,): 1-7 changes of
    ``z = x·1`` and ``u = y + 0``, a weighted sum of both and of the rows kept alive."""
    rnd = random.Random(seed)
    D = {"z": x * 1.0, "u": y + 0.0}
    kept = []
    for _ in range(rnd.randint(1, 7)):
        k = rnd.choice("zu")
        changes = _changes(k, "u" if k == "z" else "z", rnd)
        changes[rnd.choice(sorted(changes))](D, r, lib)
        if rnd.random() < 0.3:
            kept.append(D[k][rnd.randrange(4)])
    flipped = w.flip(0) if lib is torch else w[::-1]
    loss = (D["z"] * w).sum() + (D["u"] * flipped).sum()
    for row in kept:
        loss = loss + row.sum() * 0.3
    return loss


def _run(lib, seed: int, values: tuple) -> list | BaseException:
    """The gradients of x, y, r (None where none reached), or the error raised."""
    make = ag.tensor if lib is ag else torch.tensor
    leaves = [make(v, requires_grad=True) for v in values[:3]]
    try:
        _program(lib, *leaves, make(values[3]), seed).backward()
    except (RuntimeError, ValueError, TypeError) as error:
        return error
    return [None if t.grad is None else np.asarray(t.grad.data if lib is ag else t.grad)
            for t in leaves]


@pytest.mark.parametrize("case", range(CASES))
def test_random_in_place_programs_match_pytorch(case) -> None:
    for seed in range(case * SEEDS_PER_CASE, (case + 1) * SEEDS_PER_CASE):
        rng = np.random.default_rng(seed)
        values = (rng.standard_normal((4, 3)), rng.standard_normal((4, 3)),
                  rng.standard_normal(3), rng.standard_normal((4, 3)))
        ours, theirs = _run(ag, seed, values), _run(torch, seed, values)
        if isinstance(ours, BaseException):
            assert isinstance(theirs, BaseException), f"seed {seed}: only graphgrad raised {ours!r}"
            continue
        if isinstance(theirs, BaseException):
            program = functools.partial(_program, ag, w=ag.tensor(values[3]), seed=seed)
            leaves = tuple(ag.tensor(v, requires_grad=True) for v in values[:3])
            assert ag.gradcheck(program, leaves), \
                f"seed {seed}: PyTorch refused ({theirs}); finite differences disagree"
            continue
        for name, a, b in zip("xyr", ours, theirs):
            if a is None or b is None:  # one side sent no gradient: the other sent zeros
                assert not np.any(b if a is None else a), f"seed {seed}: {name}"
            else:
                np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10,
                                           err_msg=f"seed {seed}: gradient of {name}")
