"""autograd.func against torch.func on the same functions: values, pytrees, composition,
vmap semantics and errors, and no leaks into the caller's tensors."""

import numpy as np
import pytest

import autograd as ag
from autograd import func as F

torch = pytest.importorskip("torch")  # parity tests: skipped where PyTorch is not installed
tf = torch.func

RNG = np.random.default_rng(0)


def arr(*shape):
    return RNG.normal(size=shape)


def close(ours, theirs, tol=1e-10):
    """Compare a pytree of graphgrad tensors with one of torch tensors."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and ours.keys() == theirs.keys()
        for k in theirs:
            close(ours[k], theirs[k], tol)
    elif isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            close(a, b, tol)
    else:
        assert isinstance(ours, ag.Tensor)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), atol=tol, rtol=tol)


def both(*arrays):
    return [ag.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]


def f_scalar(x, y):
    return ((x.sin() * y).sum() + (x * x).sum() * y.exp().sum())


def f_vec(x, y):
    return (x.sin() * y).tanh()


def f_tree(p):
    return (p["w"] * p["b"][0]).sum() + (p["b"][1] ** 2).sum()


def test_grad_argnums_and_aux_match_torch():
    (x, y), (tx, ty) = both(arr(3), arr(3))
    close(F.grad(f_scalar)(x, y), tf.grad(f_scalar)(tx, ty))
    close(F.grad(f_scalar, argnums=(0, 1))(x, y), tf.grad(f_scalar, argnums=(0, 1))(tx, ty))
    close(F.grad(f_scalar, argnums=-1)(x, y), tf.grad(f_scalar, argnums=-1)(tx, ty))
    g, aux = F.grad(lambda a: (f_scalar(a, y), {"a": a * 2}), has_aux=True)(x)
    tg, taux = tf.grad(lambda a: (f_scalar(a, ty), {"a": a * 2}), has_aux=True)(tx)
    close((g, aux), (tg, taux))
    assert not aux["a"].requires_grad


def test_grad_and_value_on_pytree_input():
    w, b0, b1 = arr(2, 3), arr(3), arr(4)
    p = {"w": ag.tensor(w), "b": (ag.tensor(b0), ag.tensor(b1))}
    tp = {"w": torch.tensor(w), "b": (torch.tensor(b0), torch.tensor(b1))}
    close(F.grad_and_value(f_tree)(p), tf.grad_and_value(f_tree)(tp))


def test_higher_order_compositions_match_torch():
    (x, y), (tx, ty) = both(arr(3), arr(3))
    cube = lambda a: (a ** 3).sin().sum()  # noqa: E731
    close(F.grad(lambda a: F.grad(cube)(a).sum())(x),
          tf.grad(lambda a: tf.grad(cube)(a).sum())(tx))
    close(F.jacrev(F.jacfwd(f_vec))(x, y), tf.jacrev(tf.jacfwd(f_vec))(tx, ty))
    close(F.jacfwd(F.jacrev(f_vec, argnums=1), argnums=0)(x, y),
          tf.jacfwd(tf.jacrev(f_vec, argnums=1), argnums=0)(tx, ty))
    close(F.hessian(f_scalar, argnums=(0, 1))(x, y), tf.hessian(f_scalar, argnums=(0, 1))(tx, ty))
    s = ag.tensor(0.7, dtype=np.float64)
    third = F.grad(F.grad(F.grad(lambda a: a.sin() * a)))(s)
    assert third.item() == pytest.approx(tf.grad(tf.grad(tf.grad(
        lambda a: a.sin() * a)))(torch.tensor(0.7, dtype=torch.float64)).item())


def test_jacobians_of_pytree_outputs_and_inputs():
    (x, y), (tx, ty) = both(arr(2, 3), arr(3))

    def fn(pair):
        a, b = pair
        return {"p": a * b, "q": [(a ** 2).sum(0), b.exp()]}

    for ours, theirs in ((F.jacrev, tf.jacrev), (F.jacfwd, tf.jacfwd)):
        close(ours(fn)((x, y)), theirs(fn)((tx, ty)))
    jac, aux = F.jacrev(lambda a: (a.exp(), a.sum()), has_aux=True)(y)
    tjac, taux = tf.jacrev(lambda a: (a.exp(), a.sum()), has_aux=True)(ty)
    close((jac, aux), (tjac, taux))


def test_vjp_and_jvp_match_torch():
    (x, y), (tx, ty) = both(arr(3), arr(3))
    fn = lambda a, b: {"s": a * b, "t": (a.exp() + b, (a * b).sum())}  # noqa: E731
    out, vjp_fn = F.vjp(fn, x, y)
    tout, tvjp_fn = tf.vjp(fn, tx, ty)
    close(out, tout)
    (c1, c2, c3), (t1, t2, t3) = both(arr(3), arr(3), np.array(0.5))
    close(vjp_fn({"s": c1, "t": (c2, c3)}), tvjp_fn({"s": t1, "t": (t2, t3)}))
    close(vjp_fn({"s": c2, "t": (c1, c3)}), tvjp_fn({"s": t2, "t": (t1, t3)}))  # twice
    with pytest.raises(RuntimeError, match="structure"):
        vjp_fn((c1, c2))
    close(F.jvp(fn, (x, y), (c1, c2)), tf.jvp(fn, (tx, ty), (t1, t2)))
    out, jvp_out, aux = F.jvp(lambda a: (a.sin(), a.cos()), (x,), (c1,), has_aux=True)
    close((out, jvp_out, aux), tf.jvp(lambda a: (a.sin(), a.cos()), (tx,), (t1,), has_aux=True))
    with pytest.raises(RuntimeError, match="tuple"):
        F.jvp(f_vec, x, c1)
    out, lin = F.linearize(f_vec, x, y)
    tout, tlin = tf.linearize(f_vec, tx, ty)
    close((out, lin(c1, c2)), (tout, tlin(t1, t2)))


def test_transforms_do_not_leak_and_work_under_no_grad():
    x, y = ag.tensor(arr(3)), ag.tensor(arr(3))
    with ag.no_grad():
        g = F.grad(f_scalar)(x, y)
        h = F.hessian(f_scalar)(x, y)
        out, vjp_fn = F.vjp(f_vec, x, y)
        v = vjp_fn(ag.ones(3))
    for t in (x, y, g, h, out, *v):
        assert not t.requires_grad and t.grad is None
    assert ag.is_grad_enabled()


def test_grad_keeps_outer_autograd_graph():
    x = ag.tensor(arr(3), requires_grad=True)
    tx = torch.tensor(x.data, requires_grad=True)
    g = F.grad(lambda a: (a ** 3).sum())(x)
    tg = tf.grad(lambda a: (a ** 3).sum())(tx)
    g.sum().backward()
    tg.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_grad_errors():
    x = ag.tensor(arr(3))
    with pytest.raises(RuntimeError, match="scalar"):
        F.grad(lambda a: a * 2)(x)
    with pytest.raises(RuntimeError, match="argnums"):
        F.grad(f_scalar, argnums=2)(x, x)
    with pytest.raises(RuntimeError, match="has_aux"):
        F.grad(lambda a: a.sum(), has_aux=True)(x)
    with pytest.raises(TypeError, match="floating"):
        F.grad(lambda a: a.sum())(ag.tensor([1, 2]))


def test_vmap_in_dims_out_dims_and_pytrees_match_torch():
    (x, y, z), (tx, ty, tz) = both(arr(4, 3), arr(3, 4), arr(3))

    def fn(pair, c, scale):
        a, b = pair
        return {"u": (a * b + c) * scale, "v": (a.sum(), c * 2)}

    ours = F.vmap(fn, in_dims=((0, 1), None, None), out_dims={"u": 1, "v": (0, None)})(
        (x, y), z, 3.0)
    theirs = tf.vmap(fn, in_dims=((0, 1), None, None), out_dims={"u": 1, "v": (0, None)})(
        (tx, ty), tz, 3.0)
    close(ours, theirs)
    close(F.vmap(lambda a: a.exp(), in_dims=-1, out_dims=-1)(y),
          tf.vmap(lambda a: a.exp(), in_dims=-1, out_dims=-1)(ty))
    nested = F.vmap(F.vmap(lambda a, b: a * b), in_dims=(0, None))(x, z)
    close(nested, tf.vmap(tf.vmap(lambda a, b: a * b), in_dims=(0, None))(tx, tz))


def test_vmap_errors_as_torch():
    x, y = ag.tensor(arr(4, 3)), ag.tensor(arr(5, 3))
    with pytest.raises(ValueError, match="same size"):
        F.vmap(lambda a, b: a + b)(x, y)
    with pytest.raises(ValueError, match="at least one"):
        F.vmap(lambda a: a, in_dims=None)(x)
    with pytest.raises(ValueError, match="type int"):
        F.vmap(lambda a, n: a * n)(x, 3)
    with pytest.raises(ValueError, match="dims"):
        F.vmap(lambda a: a, in_dims=2)(x)
    with pytest.raises(ValueError, match="in_dims"):
        F.vmap(lambda a, b: a, in_dims=(0,))(x, x)
    with pytest.raises(ValueError, match="only return Tensors"):
        F.vmap(lambda a: 1.0)(x)
    with pytest.raises(ValueError, match="structure of the outputs"):
        F.vmap(lambda a: (a, a), out_dims=(0,))(x)
    with pytest.raises(ValueError, match="differs"):
        F.vmap(lambda a: a.sum(), out_dims=None)(x)
    with pytest.raises(RuntimeError, match="randomness"):
        F.vmap(lambda a: a + ag.randn(3))(x)


def test_vmap_randomness_same_and_different():
    x = ag.tensor(np.zeros((3, 2)))
    ag.manual_seed(0)
    same = F.vmap(lambda a: a + ag.randn(2), randomness="same")(x)
    assert np.allclose(same.data, same.data[0])
    different = F.vmap(lambda a: a + ag.randn(2), randomness="different")(x)
    assert not np.allclose(different.data[0], different.data[1])


def test_per_example_gradients_match_loop_and_torch():
    w, xs, ys = arr(3), arr(5, 3), arr(5)

    def loss(weights, x, y):
        return ((x * weights).sum().tanh() - y) ** 2

    (tw, txs, tys) = (torch.tensor(a) for a in (w, xs, ys))
    ours = F.vmap(F.grad(loss), in_dims=(None, 0, 0))(ag.tensor(w), ag.tensor(xs), ag.tensor(ys))
    loop = [F.grad(loss)(ag.tensor(w), ag.tensor(xs[i]), ag.tensor(ys[i])).data
            for i in range(5)]
    np.testing.assert_allclose(ours.data, np.stack(loop))
    close(ours, tf.vmap(tf.grad(loss), in_dims=(None, 0, 0))(tw, txs, tys))
    # and the other way round: the gradient of a vmapped function
    total = lambda a: F.vmap(lambda r: (r * a).sin().sum())(ag.tensor(xs)).sum()  # noqa: E731
    ttotal = lambda a: tf.vmap(lambda r: (r * a).sin().sum())(txs).sum()  # noqa: E731
    close(F.grad(total)(ag.tensor(w)), tf.grad(ttotal)(tw))
