"""Engine semantics: ordering, accumulation, retain_graph, create_graph, grad(), hooks,
grad mode, and the errors of the graph's lifecycle."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

import autograd as ag


def test_course_example_f_equals_xy_plus_sin_x() -> None:
    x = ag.tensor(2.0, requires_grad=True)
    y = ag.tensor(3.0, requires_grad=True)
    f = x * y + ag.sin(x)
    f.backward()
    assert f.item() == pytest.approx(6.9092974)
    assert x.grad.item() == pytest.approx(2.5838532)  # two paths summed: y + cos x
    assert y.grad.item() == pytest.approx(2.0)


def test_course_sigmoid_neuron() -> None:
    x, w, b = (ag.tensor(v, dtype=np.float64, requires_grad=True) for v in (2.0, 3.0, 1.0))
    y = ag.sigmoid(x * w + b)
    y.backward()
    assert y.item() == pytest.approx(0.99908895)
    assert x.grad.item() == pytest.approx(2.7306635e-3)
    assert w.grad.item() == pytest.approx(1.8204424e-3)
    assert b.grad.item() == pytest.approx(9.1022118e-4)


def test_chain_of_100000_ops_backpropagates_without_recursion() -> None:
    x = ag.tensor(1.0, dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_node_used_several_times_gets_the_sum() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    y = (h * h + h).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 3.0 * (2 * 3.0 * x.data + 1))


def test_leaves_accumulate_until_cleared() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 * 2 * x.data)
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


def test_intermediates_keep_no_grad_unless_retained() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    k = x * 3.0
    k.retain_grad()
    (h * k).sum().backward()
    assert h.grad is None
    np.testing.assert_allclose(k.grad.data, h.data)
    assert not h.is_leaf and x.is_leaf


def test_second_backward_needs_retain_graph() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (ag.exp(x) * x).sum()
    y.backward()
    with pytest.raises(ag.GraphError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (ag.exp(x) * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.data.copy()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first)


def test_backward_of_non_scalar_needs_gradient() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    with pytest.raises(RuntimeError, match="gradient=") as err:
        y.backward()
    assert "(2,)" in str(err.value) and "sum()" in str(err.value)
    y.backward(ag.tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0])


def test_backward_of_tensor_without_grad_explains() -> None:
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        (ag.tensor([1.0]) * 2).sum().backward()


def test_create_graph_gives_second_derivatives() -> None:
    # Hessian of f(x, y) = x*y + x**2 is [[2, 1], [1, 0]] (course exercise, S4 L1583).
    x = ag.tensor(1.5, dtype=np.float64, requires_grad=True)
    y = ag.tensor(-0.5, dtype=np.float64, requires_grad=True)
    f = x * y + x ** 2
    gx, gy = ag.grad(f, (x, y), create_graph=True)
    assert gx.item() == pytest.approx(y.item() + 2 * x.item())
    hxx, hxy = ag.grad(gx, (x, y), retain_graph=True)
    hyx, hyy = ag.grad(gy, (x, y), allow_unused=True)
    assert (hxx.item(), hxy.item(), hyx.item()) == (2.0, 1.0, 1.0)
    assert hyy is None


def test_third_derivative_of_cube() -> None:
    x = ag.tensor(2.0, dtype=np.float64, requires_grad=True)
    (d1,) = ag.grad(x ** 3, x, create_graph=True)
    (d2,) = ag.grad(d1, x, create_graph=True)
    (d3,) = ag.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)


def test_backward_with_create_graph_accumulates_differentiable_grad() -> None:
    x = ag.tensor(3.0, dtype=np.float64, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(18.0)


def test_grad_does_not_touch_dot_grad_and_checks_inputs() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    z = ag.tensor([5.0], requires_grad=True)
    y = (x * x).sum()
    (g,) = ag.grad(y, x, retain_graph=True)
    np.testing.assert_allclose(g.data, [2.0, 4.0])
    assert x.grad is None
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ag.grad(y, [x, z], retain_graph=True)
    gx, gz = ag.grad(y, [x, z], allow_unused=True)
    assert gz is None


def test_grad_with_respect_to_an_intermediate() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    y = (h * h).sum()
    (gh,) = ag.grad(y, h)
    np.testing.assert_allclose(gh.data, 2 * h.data)


def test_backward_inputs_restricts_accumulation() -> None:
    a = ag.tensor([1.0], requires_grad=True)
    b = ag.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert b.grad is None
    np.testing.assert_allclose(a.grad.data, [2.0])


def test_hooks_on_leaf_and_intermediate() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    seen = []
    handle = h.register_hook(lambda g: seen.append(g.data.copy()))
    x.register_hook(lambda g: g * 10.0)
    h.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad.data, [20.0, 20.0])
    handle.remove()
    x.grad = None
    (x * 2.0).sum().backward()
    assert len(seen) == 1


@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "intermediate"])
def test_a_hook_that_changes_the_gradients_shape_or_dtype_is_refused(leaf) -> None:
    cases = [(lambda g: g.sum(), ag.ShapeError, r"has shape \(\) instead of the incoming "
                                                r"\(2,\)"),
             (lambda g: g.astype(np.float64), TypeError, "has dtype float64 instead of the "
                                                        "incoming float32"),
             (lambda g: g.data * 2, TypeError, "must be a Tensor \\(or None\\), got ndarray")]
    for hook, error, message in cases:
        x = ag.tensor([1.0, 2.0], requires_grad=True)
        t = x if leaf else x * 1.0
        t.register_hook(hook)
        with pytest.raises(error, match="the gradient returned by hook .*<lambda> " + message):
            (t * 3.0).sum().backward()


def test_a_leaf_hook_runs_once_on_the_total_gradient() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    calls = []

    def clip(g):
        calls.append(g.data.copy())
        return g.clip(-1.0, 1.0)

    x.register_hook(clip)
    (x * 2.0 + x * 3.0).sum().backward()  # two uses: 2 + 3 reach x, then the clip
    assert len(calls) == 1
    np.testing.assert_array_equal(calls[0], [5.0, 5.0])
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    w = ag.tensor(np.ones((2, 2)), requires_grad=True)
    norms = []
    w.register_hook(lambda g: norms.append(float((g * g).sum())))
    (w @ w).sum().backward()
    assert norms == [64.0]  # dW = G Wᵀ + Wᵀ G = 4 everywhere, seen once


def test_a_leaf_hook_sees_the_total_when_the_pass_is_recorded() -> None:
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    x.register_hook(lambda g: g * g)
    (gx,) = ag.grad((x * x).sum() + x.sum(), x, create_graph=True)
    np.testing.assert_allclose(gx.data, (2 * x.data + 1) ** 2)
    (ggx,) = ag.grad(gx.sum(), x)  # d/dx (2x + 1)² = 4(2x + 1); the hook is on x again
    np.testing.assert_allclose(ggx.data, (4 * (2 * x.data + 1)) ** 2)


def test_hooks_of_leaves_left_out_of_grad_or_inputs_do_not_run() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    fired = []
    w.register_hook(lambda g: fired.append(g))
    ag.grad((x * w).sum(), x)
    (x * w).sum().backward(inputs=[x])
    assert fired == [] and w.grad is None
    (x * w).sum().backward(inputs=[w])
    assert len(fired) == 1


def test_a_leafs_grad_never_shares_memory_with_a_retained_or_hooked_gradient() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1.0  # passes its gradient through unchanged
    y.retain_grad()
    (y * 3.0).sum().backward()
    with ag.no_grad():
        x.grad.mul_(0.5)
    np.testing.assert_array_equal(y.grad.data, [3.0, 3.0])
    kept = []
    x2 = ag.tensor([1.0, 2.0], requires_grad=True)
    z = x2 + 1.0
    z.register_hook(kept.append)
    x2.register_hook(kept.append)
    (z * 3.0).sum().backward()
    with ag.no_grad():
        x2.grad.zero_()
    for g in kept:
        np.testing.assert_array_equal(g.data, [3.0, 3.0])


def test_a_leaf_used_many_times_gets_the_sum_of_its_gradients() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    (((x + x) + x) * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0])
    x.grad = None
    ((x + x + x + x + x) * 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [5.0])
    x.grad = None
    n3 = x + x + x
    ((-n3).sum() + (n3 - n3).sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [-3.0])


def _random_expression(rng: np.random.Generator, leaves: list, depth: int):
    if depth == 0 or rng.random() < 0.2:
        return leaves[rng.integers(len(leaves))]
    op = rng.integers(7)
    a = _random_expression(rng, leaves, depth - 1)
    if op == 0:
        return a + _random_expression(rng, leaves, depth - 1)
    if op == 1:
        return a - _random_expression(rng, leaves, depth - 1)
    if op == 2:
        return a * _random_expression(rng, leaves, depth - 1)
    if op == 3:
        return -a
    if op == 4:
        return a + 0.5
    if op == 5:
        return a * 1.5
    return ag.tanh(a)


def test_backward_of_random_graphs_with_shared_leaves_matches_finite_differences() -> None:
    rng = np.random.default_rng(7)
    for _ in range(150):
        xs = [ag.tensor(rng.standard_normal(3), requires_grad=True) for _ in range(2)]
        seed = int(rng.integers(1 << 30))

        def f(*leaves, seed=seed):
            return _random_expression(np.random.default_rng(seed), list(leaves), 4).sum()

        out = f(*xs)
        if out.grad_fn is None:
            continue
        out.backward()
        for i, x in enumerate(xs):
            numeric = np.zeros(3)
            for j in range(3):
                bumped = [t.data.copy() for t in xs]
                bumped[i][j] += 1e-6
                up = f(*[ag.tensor(b) for b in bumped]).item()
                bumped[i][j] -= 2e-6
                down = f(*[ag.tensor(b) for b in bumped]).item()
                numeric[j] = (up - down) / 2e-6
            got = np.zeros(3) if x.grad is None else x.grad.data
            np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6)


def test_a_gradient_returned_by_a_custom_backward_is_never_changed_in_place() -> None:
    held = ag.tensor([5.0, 5.0], dtype=np.float64)

    class Holder(ag.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2.0

        @staticmethod
        def backward(ctx, g):
            return held

    a = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    Holder.apply(a).sum().backward()
    Holder.apply(a).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [10.0, 10.0])
    np.testing.assert_array_equal(held.data, [5.0, 5.0])


def test_gradients_accumulated_over_passes_stay_in_the_same_grad_tensor() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).sum().backward()
    first = x.grad
    (x * 3.0).sum().backward()
    (x * 3.0).sum().backward()
    assert x.grad is first
    np.testing.assert_array_equal(first.data, [9.0, 9.0])


def test_grad_mode_context_decorator_and_threads() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    with ag.no_grad():
        assert not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad

    @ag.no_grad
    def g(t):
        return t * 2

    assert not g(x).requires_grad and g.__name__ == "g"
    ag.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
        result = []
        t = threading.Thread(target=lambda: result.append(ag.is_grad_enabled()))
        t.start()
        t.join()
        assert result == [True]  # the flag is per thread
    finally:
        ag.set_grad_enabled(True)
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_detach_leaves_the_graph() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf


def test_gradient_of_broadcast_leaf_is_owned_and_writable() -> None:
    b = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = ag.tensor(np.ones((4, 3), dtype=np.float32))
    (x + b).mean().backward()
    assert b.grad.data.flags.writeable and b.grad.data.flags.owndata
    a = ag.tensor([1.0], requires_grad=True)
    c = ag.tensor([1.0], requires_grad=True)
    (a + c).sum().backward()
    assert not np.shares_memory(a.grad.data, c.grad.data)


def test_no_tensor_or_node_survives_training_iterations() -> None:
    w = ag.tensor(np.random.default_rng(0).standard_normal((8, 4)), requires_grad=True)
    x = ag.tensor(np.ones((16, 8)))
    refs = []
    for _ in range(1000):
        h = ag.tanh(x @ w)
        loss = (h * h).mean()
        loss.backward()
        refs.append(weakref.ref(h))
        refs.append(weakref.ref(loss.grad_fn))
        with ag.no_grad():
            w -= w.grad * 0.01
        w.grad = None
    del h, loss
    gc.collect()
    assert sum(r() is not None for r in refs) == 0


def test_graph_is_freed_without_garbage_collector() -> None:
    gc.disable()
    try:
        x = ag.tensor([1.0, 2.0], requires_grad=True)
        y = ag.sigmoid(x * 2.0).sum()
        node = weakref.ref(y.grad_fn)
        y.backward()
        del y
        assert node() is None  # freed by reference counting alone: no cycles
    finally:
        gc.enable()


def test_custom_function_contract() -> None:
    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3.0 * x * x

    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = Cube.apply(x)
    assert y.grad_fn.name == "Cube"
    assert ag.gradcheck(Cube.apply, [x])
    assert ag.gradgradcheck(Cube.apply, [x])
    assert y.grad_fn.needs_input_grad == (True,)


def test_custom_function_wrong_gradient_shape_is_reported() -> None:
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum()

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ag.GraphError, match=r"Bad.backward returned a gradient of shape \(\)"):
        (Bad.apply(x) * 1.0).sum().backward()


def test_several_roots_where_one_depends_on_another() -> None:
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = (x * x).sum()
    z = y * 3.0
    (g,) = ag.grad([y, z], x, retain_graph=True)
    np.testing.assert_allclose(g.data, (1 + 3) * 2 * x.data)
    ag.backward([z, y])
    np.testing.assert_allclose(x.grad.data, (1 + 3) * 2 * x.data)


class WrongShapeForSecond(ag.Function):
    """x * w whose backward returns a gradient of the wrong shape for w (argument 1)."""

    @staticmethod
    def forward(ctx, x, w):
        return x * w

    @staticmethod
    def backward(ctx, g):
        return g, ag.ones(5)


@pytest.mark.parametrize("leaves", [True, False])
def test_wrong_gradient_shape_names_the_arguments_position_in_forward(leaves) -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    a, b = (x, w) if leaves else (x * 1.0, w * 1.0)
    with pytest.raises(ag.GraphError, match=r"shape \(5,\) for argument 1 of forward") as err:
        WrongShapeForSecond.apply(a, b).sum().backward()
    assert "which has shape (2,)" in str(err.value)


def test_a_backward_may_return_its_gradients_as_a_list() -> None:
    class ListGrads(ag.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return [g * w, g * x]

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    ListGrads.apply(x, w).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and w.grad.tolist() == [1.0, 2.0]
    x.grad = w.grad = None
    (ListGrads.apply(x, w) * 1.0).sum().backward()  # through the multi-path check too
    assert x.grad.tolist() == [3.0, 4.0]


def test_backward_and_grad_name_the_offending_tensor() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="^element 1 of tensors does not require grad"):
        ag.backward([(x * 2).sum(), ag.tensor(1.0)])
    with pytest.raises(RuntimeError, match=r"^backward\(\): grad_tensors\[1\] has shape \(3,\) "
                                           r"but tensors\[1\] has shape \(2,\)"):
        ag.backward([x.sum(), x * 2], [None, ag.ones(3)])
    with pytest.raises(RuntimeError, match=r"^backward\(\): the gradient has shape \(3,\)"):
        (x * 2).backward(ag.ones(3))
    with pytest.raises(RuntimeError, match=r"^grad\(\): grad_outputs\[0\] has shape \(3,\) but "
                                           r"outputs\[0\] has shape \(2,\)"):
        ag.grad([x * 2], [x], [ag.ones(3)])
    with pytest.raises(RuntimeError, match=r"^grad\(\) of a tensor of shape \(2,\) \(outputs"
                                           r"\[1\]\) needs a gradient.*grad_outputs="):
        ag.grad([x.sum(), x * 2], [x])
    with pytest.raises(RuntimeError, match=r"^grad\(\): output 1 does not require grad"):
        ag.grad([x.sum(), ag.tensor(1.0)], [x])


def test_arguments_that_are_not_tensors_are_type_errors() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"^grad\(\): output 0 has type float, not Tensor"):
        ag.grad([1.0], x)
    with pytest.raises(TypeError, match=r"^grad\(\): input 0 has type int, not Tensor"):
        ag.grad(x.sum(), 3)
    with pytest.raises(TypeError, match=r"^backward\(\): element 0 of tensors has type float"):
        ag.backward(1.0)


def test_integer_and_bool_outputs_of_a_custom_function_do_not_require_grad() -> None:
    class Positive(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x > 0

        @staticmethod
        def backward(ctx, g):
            return None

    class ValueAndIndex(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0, np.argmax(x)

        @staticmethod
        def backward(ctx, g, g_index):
            return g * 2.0

    x = ag.tensor([1.0, -2.0], requires_grad=True)
    mask = Positive.apply(x)
    assert mask.dtype == bool and not mask.requires_grad and mask.grad_fn is None
    value, index = ValueAndIndex.apply(x)
    assert value.requires_grad and value.grad_fn.name == "ValueAndIndex"
    assert not index.requires_grad and index.grad_fn is None and index.is_leaf
    value.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def _intermediate_history_case(lib) -> tuple:
    """grad() with respect to an intermediate, then a backward through its history."""
    x = lib.tensor(np.array([0.3, -1.2, 0.5]), requires_grad=True)
    h = x * x  # saves x: a second run of this node after freeing it would raise
    (gh,) = (ag.grad if lib is ag else lib.autograd.grad)((h ** 2).sum(), h)
    (h * 3.0).sum().backward()
    return np.asarray(gh.detach().numpy()), np.asarray(x.grad.detach().numpy())


def test_grad_runs_and_frees_only_the_graph_leading_to_its_inputs() -> None:
    gh, gx = _intermediate_history_case(ag)
    np.testing.assert_allclose(gh, 2 * np.array([0.3, -1.2, 0.5]) ** 2)
    np.testing.assert_allclose(gx, 6 * np.array([0.3, -1.2, 0.5]))
    # an output that does not lead to the inputs keeps its graph
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    z = ag.tensor([3.0, 4.0], dtype=np.float64, requires_grad=True)
    w = (ag.exp(z) * z).sum()
    ag.grad([(x * x).sum(), w], x)
    w.backward()
    np.testing.assert_allclose(z.grad.data, np.exp(z.data) * (z.data + 1))
    # backward(inputs=...) likewise leaves the other branches to a later backward
    a = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=np.float64, requires_grad=True)
    hb = b * b
    (a * hb).sum().backward(inputs=[a])
    (hb * 1.0).sum().backward()
    np.testing.assert_array_equal(a.grad.data, hb.data)
    np.testing.assert_array_equal(b.grad.data, 2 * b.data)
    # hooks of tensors upstream of grad()'s input do not run: their nodes are not reached
    seen = []
    h0 = x * x
    h0.register_hook(lambda g: seen.append("h0"))
    h1 = h0 * 1.0
    h1.register_hook(lambda g: seen.append("h1"))
    ag.grad((h1 * h1).sum(), h1)
    assert seen == ["h1"]


def test_grad_of_an_intermediate_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_intermediate_history_case(ag), _intermediate_history_case(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_gradgradcheck_of_a_non_leaf_input_reuses_its_history() -> None:
    x = ag.tensor([0.3, -0.7, 1.1], dtype=np.float64, requires_grad=True)
    assert ag.gradgradcheck(lambda h: h ** 3, [x * 2.0])


def test_grad_accepts_only_inputs_and_materialize_grads_as_torch_does() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    unused = ag.tensor([5.0], requires_grad=True)
    (g,) = ag.grad((x * x).sum(), x, only_inputs=True)
    np.testing.assert_allclose(g.data, [2.0, 4.0])
    with pytest.warns(FutureWarning, match="only_inputs is deprecated and ignored"):
        ag.grad((x * x).sum(), x, only_inputs=False)
    gx, gu = ag.grad((x * x).sum(), [x, unused], materialize_grads=True)
    assert gu.shape == (1,) and gu.tolist() == [0.0] and gu.dtype == unused.dtype
    with pytest.raises(ValueError, match="materialize_grads=True .* allow_unused=False"):
        ag.grad((x * x).sum(), [x, unused], allow_unused=False, materialize_grads=True)
    with pytest.raises(RuntimeError, match=r"input 1 \(shape \(1,\)\) was not used.*"
                                           "materialize_grads=True"):
        ag.grad((x * x).sum(), [x, unused])


def test_backward_inputs_errors_name_backward() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^backward\(\): inputs is empty"):
        (x * x).sum().backward(inputs=[])
    assert x.grad is None
    with pytest.raises(RuntimeError, match=r"^backward\(\): inputs 1 does not require grad"):
        (x * x).sum().backward(inputs=[x, ag.tensor([1.0])])
    with pytest.raises(TypeError, match=r"^backward\(\): inputs 0 has type float"):
        (x * x).sum().backward(inputs=[1.0])


def test_retain_grad_keeps_the_gradient_after_every_hook_as_torch_does() -> None:
    # PyTorch runs retain_grad's hook last, whenever it was registered: .grad is what the
    # other hooks made of the gradient.
    for retain_first in (True, False):
        x = ag.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3.0
        if retain_first:
            y.retain_grad()
        y.register_hook(lambda g: g * 2.0)
        if not retain_first:
            y.retain_grad()
        (y * y).sum().backward()
        np.testing.assert_array_equal(y.grad.data, [12.0, 24.0])
        np.testing.assert_array_equal(x.grad.data, [36.0, 72.0])


def test_a_retained_gradient_is_a_copy_of_the_callers_gradient() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.retain_grad()
    g = ag.tensor([1.0, 1.0])
    y.backward(g)
    assert not np.shares_memory(y.grad.data, g.data)
    with ag.no_grad():
        y.grad.zero_()
    np.testing.assert_array_equal(g.data, [1.0, 1.0])
    z = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    w = z * z
    w.retain_grad()
    (w * z).sum().backward(create_graph=True)  # recorded: w.grad = z, with a graph
    assert w.grad.requires_grad
    (gz,) = ag.grad(w.grad.sum(), z)
    np.testing.assert_array_equal(gz.data, [1.0, 1.0])


def _hooked_graphs(lib, grad):
    """Small graphs with hooks on leaves and intermediates; returns what they saw and made."""
    results = []
    calls = []

    def log(tag, scale=None):
        def hook(g):
            calls.append((tag, g.detach().numpy().tolist()))
            return None if scale is None else g * scale
        return hook

    # a hook returning a new gradient, a tensor used twice, several hooks in order, remove()
    x = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
    h = x * x
    h.register_hook(log("h1"))
    handle = h.register_hook(log("h2", 10.0))
    h.register_hook(log("h3"))
    x.register_hook(log("x", 0.5))
    out = (h * 2.0 + h.exp()).sum()
    out.backward(retain_graph=True)
    results.append(x.grad.numpy().copy())
    handle.remove()
    out.backward()  # accumulates, now without h2
    results.append(x.grad.numpy().copy())
    # retain_grad, accumulated over two passes with retain_graph
    a = lib.tensor([0.5, 1.5], dtype=lib.float64, requires_grad=True)
    b = a.sin()
    b.retain_grad()
    c = (b * b).sum()
    c.backward(retain_graph=True)
    c.backward()
    results += [b.grad.numpy().copy(), a.grad.numpy().copy()]
    # hooks under create_graph: the replaced gradients are differentiable
    z = lib.tensor([0.3, 0.7], dtype=lib.float64, requires_grad=True)
    u = z * z * z
    u.register_hook(lambda g: g * u)
    z.register_hook(log("z", 2.0))
    (gz,) = grad(u.sum(), z, create_graph=True)
    (ggz,) = grad(gz.sum(), z)
    results += [gz.detach().numpy().copy(), ggz.numpy().copy()]
    # requires_grad_ toggled off and back on for a leaf
    t = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    t.requires_grad_(False)
    results.append(np.array([(t * 2.0).requires_grad]))
    t.requires_grad_()
    (t * t).sum().backward()
    results.append(t.grad.numpy().copy())
    return results, calls


def test_hooks_retain_grad_and_create_graph_match_torch() -> None:
    torch = pytest.importorskip("torch")
    ours, our_calls = _hooked_graphs(ag, ag.grad)
    theirs, their_calls = _hooked_graphs(torch, torch.autograd.grad)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert [tag for tag, _ in our_calls] == [tag for tag, _ in their_calls]
    for (_, a), (_, b) in zip(our_calls, their_calls):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_is_grads_batched_gives_every_rows_vjp_as_torch() -> None:
    t = pytest.importorskip("torch")
    x = ag.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    w = ag.tensor([0.5, -1.0], dtype=np.float64, requires_grad=True)
    y = ag.stack([x ** 2, x.sin()]) * w.reshape(2, 1)  # (2, 3)
    seeds = np.random.default_rng(0).standard_normal((4, 2, 3))
    jx, jw = ag.grad(y, [x, w], ag.tensor(seeds), is_grads_batched=True, retain_graph=True)
    tx = t.tensor([1.0, 2.0, 3.0], dtype=t.float64, requires_grad=True)
    tw = t.tensor([0.5, -1.0], dtype=t.float64, requires_grad=True)
    ty = t.stack([tx ** 2, tx.sin()]) * tw.reshape(2, 1)
    tjx, tjw = t.autograd.grad(ty, [tx, tw], t.tensor(seeds), is_grads_batched=True)
    np.testing.assert_allclose(jx.data, tjx.numpy(), rtol=1e-12)
    np.testing.assert_allclose(jw.data, tjw.numpy(), rtol=1e-12)
    assert jx.shape == (4, 3) and not jx.requires_grad
    (row,) = ag.grad(y, x, ag.tensor(seeds[:1]), is_grads_batched=True, create_graph=True)
    (second,) = ag.grad(row.sum(), x)  # d/dx of Σ_j seed·∂y/∂x: the Hessian-vector part
    expected = 2 * seeds[0, 0] * 0.5 - np.sin(x.data) * seeds[0, 1] * -1.0
    np.testing.assert_allclose(second.data, expected, rtol=1e-12)
    with pytest.raises(ValueError, match=r"grad_outputs\[0\] must have a batch dimension"):
        ag.grad(y, x, ag.tensor(seeds[0]), is_grads_batched=True)
    with pytest.raises(ValueError, match="batch dimension"):
        ag.grad(y, x, is_grads_batched=True)


@pytest.mark.parametrize("op", [ag.exp, ag.sqrt, ag.tanh, ag.sigmoid, ag.log, ag.sin,
                                lambda t: 1.0 / t, lambda t: t ** 3, lambda t: t * t])
def test_ops_on_0d_results_keep_their_second_derivatives(op) -> None:
    # NumPy returns scalars for 0-d results; the output an op saved must still be known as
    # its output, or the second derivative through it is silently lost
    x = ag.tensor([0.3, 0.5], dtype=np.float64, requires_grad=True)
    assert ag.gradgradcheck(lambda a: op(a.sum()), [x])
    (g,) = ag.grad(op(x.sum()), x, create_graph=True)
    assert g.requires_grad


def test_every_deferred_op_is_a_function_whatever_the_import_order() -> None:
    """A family module named like one of its functions would replace the function in
    ``autograd.ops`` once another module imported it by name."""
    import importlib
    import os

    from autograd import ops

    modules = {f[:-3] for f in os.listdir(os.path.dirname(ops.__file__)) if f.endswith(".py")}
    assert not modules & set(ops.DEFERRED)
    for module in set(ops.DEFERRED.values()):
        importlib.import_module(f"autograd.ops.{module}")
    assert all(callable(getattr(ops, name)) for name in ops.DEFERRED)
