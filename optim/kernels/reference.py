"""NumPy reference implementations of the optimizer updates.

Each function changes ``p`` and its state arrays in place (the arrays keep their
identity) and performs the same floating-point operations, in the same order and in
the parameter's dtype, as the fused Numba kernel of the same name in ``fused.py``, so
the two agree to the last bit. They allocate temporaries: clarity first here.
``GRAPHGRAD_KERNELS=numpy`` makes the optimizers run these, and the fused dispatcher
runs them on arrays its kernels do not take. As the kernels do, they read the gradient
in the parameter's dtype and as it was before the update (also when it shares memory
with the parameter or a state array), and they refuse a parameter that is not floating
point or a read-only array before changing anything.

The arithmetic is PyTorch's single-tensor ("for-loop") implementation, read off
``torch/optim/*.py``; the formulas are in the optimizer classes' docstrings.
"""

from __future__ import annotations

import numpy as np


def _gradient(op: str, p: np.ndarray, g: np.ndarray, *written: np.ndarray | None) -> np.ndarray:
    """``g`` in p's dtype, copied if it shares memory with an array the update writes
    (``p`` and ``written``), after checking that those can be updated in place."""
    if p.dtype.kind != "f":
        raise TypeError(f"{op}: the parameter must be floating point to take a fractional "
                        f"step, got dtype {p.dtype}; convert it first, e.g. "
                        "p.astype(np.float32)")
    arrays = [a for a in (p, *written) if a is not None]
    for a in arrays:
        if not a.flags.writeable:
            what = "parameter" if a is p else "optimizer state"
            raise ValueError(f"{op}: the {what} array is read-only (writeable=False), so it "
                             "cannot be updated in place; give the optimizer a writeable copy "
                             "(np.array(a)), e.g. of a memory-mapped or broadcast array")
    g = np.asarray(g)
    shared = any(np.may_share_memory(g, a) for a in arrays)
    return g.astype(p.dtype, copy=shared)


def _lerp_into(avg: np.ndarray, target: np.ndarray, weight: float) -> None:
    """``avg += weight * (target - avg)``, evaluated as PyTorch's ``lerp_`` does."""
    w = avg.dtype.type(weight)
    if abs(weight) < 0.5:
        avg += w * (target - avg)
    else:
        avg[...] = target - (target - avg) * avg.dtype.type(1 - weight)


def _effective_grad(p: np.ndarray, g: np.ndarray, weight_decay: float,
                    maximize: bool) -> np.ndarray:
    """``±g + weight_decay * p`` (L2 penalty folded into the gradient)."""
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + p.dtype.type(weight_decay) * p
    return g


def sgd(p: np.ndarray, g: np.ndarray, buf: np.ndarray | None, *, lr: float, momentum: float,
        dampening: float, weight_decay: float, nesterov: bool, maximize: bool,
        first: bool) -> None:
    """SGD with optional momentum/Nesterov; ``first`` means ``buf`` holds no history yet."""
    g = _gradient("sgd", p, g, buf if momentum != 0 else None)
    dt = p.dtype.type
    d = _effective_grad(p, g, weight_decay, maximize)
    if momentum != 0:
        if first:
            buf[...] = d
        else:
            buf *= dt(momentum)
            buf += dt(1 - dampening) * d
        d = d + dt(momentum) * buf if nesterov else buf
    p += dt(-lr) * d


def momentum(p: np.ndarray, g: np.ndarray, v: np.ndarray, *, lr: float, beta: float) -> None:
    """The course's momentum: ``v = βv + (1−β)g; θ -= lr·v``."""
    g = _gradient("momentum", p, g, v)
    dt = p.dtype.type
    v *= dt(beta)
    v += dt(1 - beta) * g
    p -= dt(lr) * v


def adagrad(p: np.ndarray, g: np.ndarray, s: np.ndarray, *, clr: float, weight_decay: float,
            eps: float, maximize: bool) -> None:
    """Adagrad: ``s += g²; θ -= clr·g/(√s + ε)``."""
    g = _gradient("adagrad", p, g, s)
    dt = p.dtype.type
    d = _effective_grad(p, g, weight_decay, maximize)
    s += d * d
    p += dt(-clr) * d / (np.sqrt(s) + dt(eps))


def rmsprop(p: np.ndarray, g: np.ndarray, sq: np.ndarray, gavg: np.ndarray | None,
            buf: np.ndarray | None, *, lr: float, alpha: float, eps: float,
            weight_decay: float, momentum: float, centered: bool, maximize: bool) -> None:
    """RMSprop, optionally centered and with momentum."""
    g = _gradient("rmsprop", p, g, sq, gavg if centered else None,
                  buf if momentum > 0 else None)
    dt = p.dtype.type
    d = _effective_grad(p, g, weight_decay, maximize)
    sq *= dt(alpha)
    sq += dt(1 - alpha) * d * d
    if centered:
        _lerp_into(gavg, d, 1 - alpha)
        # where sq is inf, gavg² may overflow too: inf − inf would be nan; torch's fused
        # multiply-add gives inf (so a zero step), as here
        with np.errstate(over="ignore", invalid="ignore"):
            avg = np.sqrt(np.where(np.isposinf(sq), sq, sq + dt(-1) * gavg * gavg))
    else:
        avg = np.sqrt(sq)
    avg += dt(eps)
    if momentum > 0:
        buf *= dt(momentum)
        buf += d / avg
        p += dt(-lr) * buf
    else:
        p += dt(-lr) * d / avg


def adam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, vmax: np.ndarray | None,
         *, lr: float, beta1: float, beta2: float, eps: float, weight_decay: float,
         decoupled: bool, maximize: bool, step_size: float, bc2_sqrt: float) -> None:
    """Adam / AdamW given ``step_size = lr/(1−β₁ᵗ)`` and ``bc2_sqrt = √(1−β₂ᵗ)``."""
    g = _gradient("adam", p, g, m, v, vmax)
    dt = p.dtype.type
    if decoupled and weight_decay != 0:
        p *= dt(1 - lr * weight_decay)
        d = -g if maximize else g
    else:
        d = _effective_grad(p, g, weight_decay, maximize)
    _lerp_into(m, d, 1 - beta1)
    v *= dt(beta2)
    v += dt(1 - beta2) * d * d
    if vmax is not None:
        np.maximum(vmax, v, out=vmax)
        v = vmax
    denom = np.sqrt(v) / dt(bc2_sqrt) + dt(eps)
    p += dt(-step_size) * m / denom


def _decayed_grad(p: np.ndarray, g: np.ndarray, lr: float, weight_decay: float,
                  decoupled: bool, maximize: bool) -> np.ndarray:
    """The gradient with weight decay: ``θ`` shrunk in place by ``1 − lr·weight_decay``
    when ``decoupled`` (AdamW's form), else the L2 term folded into the gradient."""
    if decoupled and weight_decay != 0:
        p *= p.dtype.type(1 - lr * weight_decay)
        return -g if maximize else g
    return _effective_grad(p, g, weight_decay, maximize)


def nadam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, *, lr: float,
          beta1: float, beta2: float, eps: float, weight_decay: float, decoupled: bool,
          maximize: bool, grad_step: float, avg_step: float, bias_correction2: float) -> None:
    """NAdam given ``grad_step = lr(1−μₜ)/(1−Πₜ)``, ``avg_step = lr·μₜ₊₁/(1−Πₜμₜ₊₁)`` and
    ``bias_correction2 = 1−β₂ᵗ``."""
    g = _gradient("nadam", p, g, m, v)
    dt = p.dtype.type
    d = _decayed_grad(p, g, lr, weight_decay, decoupled, maximize)
    _lerp_into(m, d, 1 - beta1)
    v *= dt(beta2)
    v += dt(1 - beta2) * d * d
    denom = np.sqrt(v / dt(bias_correction2)) + dt(eps)
    p += dt(-grad_step) * d / denom
    p += dt(-avg_step) * m / denom


def radam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, *, lr: float,
          beta1: float, beta2: float, eps: float, weight_decay: float, decoupled: bool,
          maximize: bool, bias_correction1: float, bc2_sqrt: float,
          rect: float | None) -> None:
    """RAdam given ``bias_correction1 = 1−β₁ᵗ``, ``bc2_sqrt = √(1−β₂ᵗ)`` and the
    rectification ``rect`` (None while ρₜ ≤ 5: the unadapted step)."""
    g = _gradient("radam", p, g, m, v)
    dt = p.dtype.type
    d = _decayed_grad(p, g, lr, weight_decay, decoupled, maximize)
    _lerp_into(m, d, 1 - beta1)
    v *= dt(beta2)
    v += dt(1 - beta2) * d * d
    step = m / dt(bias_correction1) * dt(lr)
    if rect is not None:
        step = step * (dt(1) / (np.sqrt(v) + dt(eps)) * dt(bc2_sqrt)) * dt(rect)
    p -= step


def adamax(p: np.ndarray, g: np.ndarray, m: np.ndarray, u: np.ndarray, *, beta1: float,
           beta2: float, eps: float, weight_decay: float, maximize: bool, clr: float) -> None:
    """Adamax given ``clr = lr/(1−β₁ᵗ)``: ``u = max(β₂u, |g| + ε); θ -= clr·m/u``."""
    g = _gradient("adamax", p, g, m, u)
    dt = p.dtype.type
    d = _effective_grad(p, g, weight_decay, maximize)
    _lerp_into(m, d, 1 - beta1)
    u *= dt(beta2)
    np.maximum(u, np.abs(d) + dt(eps), out=u)
    p += dt(-clr) * m / u


def adadelta(p: np.ndarray, g: np.ndarray, sq: np.ndarray, acc: np.ndarray, *, lr: float,
             rho: float, eps: float, weight_decay: float, maximize: bool) -> None:
    """Adadelta: ``s = ρs + (1−ρ)g²; Δ = √(a+ε)/√(s+ε)·g; a = ρa + (1−ρ)Δ²; θ -= lr·Δ``."""
    g = _gradient("adadelta", p, g, sq, acc)
    dt = p.dtype.type
    d = _effective_grad(p, g, weight_decay, maximize)
    sq *= dt(rho)
    sq += dt(1 - rho) * d * d
    delta = np.sqrt(acc + dt(eps)) / np.sqrt(sq + dt(eps)) * d
    acc *= dt(rho)
    acc += dt(1 - rho) * delta * delta
    p += dt(-lr) * delta


def rprop(p: np.ndarray, g: np.ndarray, prev: np.ndarray, step: np.ndarray, *,
          etaminus: float, etaplus: float, step_size_min: float, step_size_max: float,
          maximize: bool) -> None:
    """Rprop: each step size grows by ``etaplus`` where the gradient kept its sign, shrinks
    by ``etaminus`` where it flipped (and that gradient is then taken as 0), within
    ``[step_size_min, step_size_max]``; ``θ -= sign(g)·step``."""
    g = _gradient("rprop", p, g, prev, step)
    dt = p.dtype.type
    d = np.array(np.broadcast_to(-g if maximize else g, p.shape))
    agree = d * prev
    factor = np.where(agree > 0, dt(etaplus), np.where(agree < 0, dt(etaminus),
                                                       np.where(agree == 0, dt(1), agree)))
    step *= factor
    np.clip(step, dt(step_size_min), dt(step_size_max), out=step)
    d[agree < 0] = 0
    p -= np.sign(d) * step
    prev[...] = d
