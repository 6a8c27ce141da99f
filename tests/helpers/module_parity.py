"""Compare an nn module with its PyTorch twin: forward, input gradient, parameter gradients."""

from __future__ import annotations

import numpy as np

import autograd as ag


def assert_module_matches_torch(ours, theirs, x_np, grad_np, torch, rtol=1e-5, atol=1e-6):
    """Run both modules on ``x_np``, backpropagate ``grad_np`` and compare the outputs, the
    input gradients and the gradient of every parameter (matched by name)."""
    ours.zero_grad()
    theirs.zero_grad()
    x = ag.tensor(x_np, requires_grad=True)
    tx = torch.tensor(x_np, requires_grad=True)
    out, tout = ours(x), theirs(tx)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=rtol, atol=atol)
    out.backward(ag.tensor(grad_np))
    tout.backward(torch.from_numpy(grad_np))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=rtol, atol=atol)
    ref_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, ref_params[name].grad.numpy(), rtol=rtol,
                                   atol=atol, err_msg=name)
