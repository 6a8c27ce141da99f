"""``python -m autograd``: build the course's small graphs, backpropagate, print the gradients."""

from __future__ import annotations

import argparse

import numpy as np

import autograd as ag


def main(argv: list[str] | None = None) -> None:
    """Print the course's worked examples, computed by the engine. It takes no options;
    ``--help`` says what it prints and anything else is refused."""
    argparse.ArgumentParser(
        prog="python -m autograd",
        description="Build the course's small graphs with the engine, backpropagate and "
                    "print the values and gradients: f = x*y + sin(x), a sigmoid neuron, and "
                    "J = w^2 - 10w + 25 minimized by gradient descent. Takes no options.",
    ).parse_args(argv)
    x = ag.tensor(2.0, dtype=np.float64, requires_grad=True)
    y = ag.tensor(3.0, dtype=np.float64, requires_grad=True)
    f = x * y + ag.sin(x)
    f.backward()
    print(f"f = x*y + sin(x) at x=2, y=3: f = {f.item():.7f}")
    print(f"  df/dx = y + cos(x) = {x.grad.item():.7f}")
    print(f"  df/dy = x          = {y.grad.item():.7f}")

    x1, w1, b = (ag.tensor(v, dtype=np.float64, requires_grad=True) for v in (2.0, 3.0, 1.0))
    out = ag.sigmoid(x1 * w1 + b)
    out.backward()
    print(f"y = sigmoid(x*w + b) at x=2, w=3, b=1: y = {out.item():.8f}")
    print(f"  dy/dx = {x1.grad.item():.7e}, dy/dw = {w1.grad.item():.7e}, "
          f"dy/db = {b.grad.item():.7e}")

    w = ag.tensor(0.0, dtype=np.float64, requires_grad=True)
    for _ in range(200):
        cost = w ** 2 - 10 * w + 25
        w.grad = None
        cost.backward()
        with ag.no_grad():
            w -= 0.1 * w.grad
    print(f"J = w^2 - 10w + 25 minimized by gradient descent: w = {w.item():.6f}")


if __name__ == "__main__":
    main()
