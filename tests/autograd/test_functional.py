"""ag.functional: jacobian, hessian, vjp, jvp, hvp, vhp, checked by hand and against torch."""

import numpy as np
import pytest

import autograd as ag
from autograd import functional as AF


def t64(a, requires_grad=False):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def f_ours(a, b):
    return ag.tanh(a[:, None] * b[None, :]).sum(axis=0) + b ** 2


def f_torch(torch):
    return lambda a, b: torch.tanh(a[:, None] * b[None, :]).sum(dim=0) + b ** 2


A = np.array([0.3, -1.2])
B = np.array([0.5, -1.0, 2.0])


def test_course_hessian_of_xy_plus_x_squared():
    # seed inventory §1.5: H of x*y + x**2 is [[2, 1], [1, 0]]
    h = AF.hessian(lambda v: v[0] * v[1] + v[0] ** 2, t64([3.0, 2.0]))
    np.testing.assert_allclose(h.data, [[2.0, 1.0], [1.0, 0.0]])
    hx = AF.hessian(lambda x, y: x * y + x ** 2, (t64(3.0), t64(2.0)))
    np.testing.assert_allclose([[hx[0][0].item(), hx[0][1].item()],
                                [hx[1][0].item(), hx[1][1].item()]], [[2, 1], [1, 0]])


def test_course_gradient_of_ab_plus_c_exp_a():
    # f(a,b,c) = a*b + c*exp(a) has gradient (b + c e^a, a, e^a)
    a, b, c = 0.5, -2.0, 3.0
    j = AF.jacobian(lambda a, b, c: a * b + c * ag.exp(a), (t64(a), t64(b), t64(c)))
    np.testing.assert_allclose([g.item() for g in j], [b + c * np.exp(a), a, np.exp(a)])


def test_jacobian_shapes_follow_tuple_conventions():
    j = AF.jacobian(lambda a: a * 2, t64(np.ones((2, 3))))
    assert isinstance(j, ag.Tensor) and j.shape == (2, 3, 2, 3)
    j = AF.jacobian(f_ours, (t64(A), t64(B)))
    assert isinstance(j, tuple) and [x.shape for x in j] == [(3, 2), (3, 3)]
    j = AF.jacobian(lambda a: (a.sum(), a * 3), t64(A))
    assert isinstance(j, tuple) and [x.shape for x in j] == [(2,), (2, 2)]
    j = AF.jacobian(lambda a, b: (a.sum(), b * 3), (t64(A), t64(B)))
    assert [[x.shape for x in row] for row in j] == [[(2,), (3,)], [(3, 2), (3, 3)]]


def test_forward_mode_equals_reverse_mode():
    rev = AF.jacobian(f_ours, (t64(A), t64(B)))
    fwd = AF.jacobian(f_ours, (t64(A), t64(B)), strategy="forward-mode")
    for r, f in zip(rev, fwd):
        np.testing.assert_allclose(r.data, f.data, rtol=1e-12)
    with pytest.raises(ValueError, match="strategy"):
        AF.jacobian(f_ours, (t64(A), t64(B)), strategy="sideways")


def test_unused_input_gives_zeros_or_raises_when_strict():
    j = AF.jacobian(lambda a, b: a * 2, (t64(A), t64(B)))
    np.testing.assert_array_equal(j[1].data, np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="does not depend on input 1"):
        AF.jacobian(lambda a, b: a * 2, (t64(A), t64(B)), strict=True)


def test_create_graph_results_can_be_differentiated():
    x = t64(A, requires_grad=True)
    j = AF.jacobian(lambda a: a ** 3, x, create_graph=True)  # diag(3a²)
    assert j.requires_grad
    j.sum().backward()
    np.testing.assert_allclose(x.grad.data, 6 * A)
    plain = AF.jacobian(lambda a: a ** 3, x)
    assert not plain.requires_grad


def test_vjp_and_jvp_by_hand():
    out, g = AF.vjp(lambda a: (a ** 2).sum(), t64(A))
    np.testing.assert_allclose(out.item(), (A ** 2).sum())
    np.testing.assert_allclose(g.data, 2 * A)
    v = t64([1.0, 0.5])
    out, jv = AF.jvp(lambda a: ag.sin(a) * 2, t64(A), v)
    np.testing.assert_allclose(jv.data, 2 * np.cos(A) * v.data)
    # a function that passes its input straight through: J = I
    _, jv = AF.jvp(lambda a: a, t64(A), v)
    np.testing.assert_allclose(jv.data, v.data)


def test_vjp_jvp_input_errors():
    with pytest.raises(RuntimeError, match="v can be omitted only"):
        AF.vjp(lambda a: a * 2, t64(A))
    with pytest.raises(RuntimeError, match="v\\[0\\] has shape"):
        AF.vjp(lambda a: a * 2, t64(A), t64([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="input 0 must be a Tensor"):
        AF.jacobian(lambda a: a, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="one element"):
        AF.hessian(lambda a: a * 2, t64(A))


def test_parity_with_torch():
    torch = pytest.importorskip("torch")
    tf = torch.autograd.functional
    ta, tb = torch.tensor(A), torch.tensor(B)
    ours = AF.jacobian(f_ours, (t64(A), t64(B)))
    theirs = tf.jacobian(f_torch(torch), (ta, tb))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.data, t.numpy(), rtol=1e-12)

    def s_ours(a, b):
        return (ag.tanh(a[:, None] * b[None, :]) ** 2).sum() + (a ** 3).sum()

    def s_torch(a, b):
        return (torch.tanh(a[:, None] * b[None, :]) ** 2).sum() + (a ** 3).sum()

    h_ours = AF.hessian(s_ours, (t64(A), t64(B)))
    h_torch = tf.hessian(s_torch, (ta, tb))
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(h_ours[i][j].data, h_torch[i][j].numpy(), rtol=1e-10,
                                       atol=1e-12)
    h_fwd = AF.hessian(s_ours, (t64(A), t64(B)), outer_jacobian_strategy="forward-mode")
    np.testing.assert_allclose(h_fwd[0][1].data, h_torch[0][1].numpy(), rtol=1e-10)

    v_out = np.array([1.0, -2.0, 0.5])
    o1, g1 = AF.vjp(f_ours, (t64(A), t64(B)), t64(v_out))
    o2, g2 = tf.vjp(f_torch(torch), (ta, tb), torch.tensor(v_out))
    np.testing.assert_allclose(o1.data, o2.numpy(), rtol=1e-12)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12)

    va, vb = np.array([0.2, 1.0]), np.array([1.0, 0.0, -1.0])
    _, j1 = AF.jvp(f_ours, (t64(A), t64(B)), (t64(va), t64(vb)))
    _, j2 = tf.jvp(f_torch(torch), (ta, tb), (torch.tensor(va), torch.tensor(vb)))
    np.testing.assert_allclose(j1.data, j2.numpy(), rtol=1e-12)

    _, hv1 = AF.hvp(s_ours, (t64(A), t64(B)), (t64(va), t64(vb)))
    _, hv2 = tf.hvp(s_torch, (ta, tb), (torch.tensor(va), torch.tensor(vb)))
    _, vh1 = AF.vhp(s_ours, (t64(A), t64(B)), (t64(va), t64(vb)))
    for a, b, c in zip(hv1, hv2, vh1):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-10)
        np.testing.assert_allclose(c.data, b.numpy(), rtol=1e-10)


def test_hvp_and_hessian_errors_name_the_function_called():
    with pytest.raises(RuntimeError, match=r"^hvp: v can be omitted only"):
        AF.hvp(lambda a: (a ** 3).sum(), t64(A))
    with pytest.raises(RuntimeError, match=r"^hvp: func must return a single Tensor with one "
                                           r"element .* got a Tensor of shape \(2,\)"):
        AF.hvp(lambda a: a ** 3, t64(A), t64(A))
    with pytest.raises(RuntimeError, match=r"^vhp: func must return .* got a tuple of 1"):
        AF.vhp(lambda a: ((a ** 3).sum(),), t64(A), t64(A))
    with pytest.raises(RuntimeError, match=r"^hessian: .* got a tuple of 1"):
        AF.hessian(lambda a: ((a ** 3).sum(),), t64(A))


def _const(lib):
    return lib.tensor(np.array([1.0, 2.0]))


# (name, call(F, lib)) where torch.autograd.functional raises with strict=True; graphgrad must
# too, naming the function (and not raise without strict, where the result has zeros).
STRICT_CASES = [
    ("vjp", "vjp", lambda F, lib: F.vjp(lambda x: _const(lib) * 2, _const(lib), _const(lib),
                                        strict=True)),
    ("vjp", "vjp second output constant",
     lambda F, lib: F.vjp(lambda x: (x * x, _const(lib) * 2), _const(lib),
                          (_const(lib), _const(lib)), strict=True)),
    ("jvp", "jvp", lambda F, lib: F.jvp(lambda x: _const(lib) * 2, _const(lib), _const(lib),
                                        strict=True)),
    ("jacobian", "jacobian", lambda F, lib: F.jacobian(lambda x: _const(lib) * 2, _const(lib),
                                                       strict=True)),
    ("vjp", "vjp linear create_graph",
     lambda F, lib: F.vjp(lambda x: x * 2, _const(lib), _const(lib), strict=True,
                          create_graph=True)),
    ("jvp", "jvp linear create_graph",
     lambda F, lib: F.jvp(lambda x: x * 2, _const(lib), _const(lib), strict=True,
                          create_graph=True)),
    ("jacobian", "jacobian linear create_graph",
     lambda F, lib: F.jacobian(lambda x: x * 2, _const(lib), strict=True, create_graph=True)),
    ("hessian", "hessian linear",
     lambda F, lib: F.hessian(lambda x: (x * 2).sum(), _const(lib), strict=True)),
    ("hessian", "hessian quadratic create_graph",
     lambda F, lib: F.hessian(lambda x: (x * x).sum(), _const(lib), strict=True,
                              create_graph=True)),
    ("hvp", "hvp linear",
     lambda F, lib: F.hvp(lambda x: (x * 2).sum(), _const(lib), _const(lib), strict=True)),
    ("vhp", "vhp quadratic create_graph",
     lambda F, lib: F.vhp(lambda x: (x * x).sum(), _const(lib), _const(lib), strict=True,
                          create_graph=True)),
]


@pytest.mark.parametrize("fn, name, call", STRICT_CASES, ids=[c[1] for c in STRICT_CASES])
def test_strict_raises_where_torch_does(fn, name, call):
    with pytest.raises(RuntimeError, match=f"^{fn}: .*strict"):
        call(AF, ag)


@pytest.mark.parametrize("fn, name, call", STRICT_CASES, ids=[c[1] for c in STRICT_CASES])
def test_strict_cases_raise_in_torch_too(fn, name, call):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        call(torch.autograd.functional, torch)


def test_strict_accepts_what_torch_accepts():
    # identity and a quadratic without create_graph: every output depends on every input
    x = t64([1.0, 2.0])
    _, g = AF.vjp(lambda a: a, x, x, strict=True)
    np.testing.assert_array_equal(g.data, x.data)
    j = AF.jacobian(lambda a: a * 2, x, strict=True)
    np.testing.assert_array_equal(j.data, 2 * np.eye(2))
    h = AF.hessian(lambda a: (a * a).sum(), x, strict=True)
    np.testing.assert_array_equal(h.data, 2 * np.eye(2))
    _, hv = AF.hvp(lambda a: (a ** 3).sum(), x, x, strict=True, create_graph=True)
    np.testing.assert_allclose(hv.data, 6 * x.data * x.data)
