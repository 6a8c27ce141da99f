# %% [markdown]
# # 06 · Gradient checking
#
# Backpropagation code can be wrong and still train, a little worse. The course's cure is to
# compare the analytic gradient with a numerical one (seed inventory §8, S0 L788-892,
# S2 L1188-1323):
#
# 1. unroll $W^{[1]}, b^{[1]}, \dots, W^{[L]}, b^{[L]}$ into one vector $\theta$, and the
#    gradients into $d\theta$ (S0 L802-805);
# 2. for every component, the **two-sided** difference with $\varepsilon = 10^{-7}$ (S0 L813-819):
#    $$d\theta_{\text{approx}}[i] = \frac{J(\theta_1,\dots,\theta_i+\varepsilon,\dots) -
#      J(\theta_1,\dots,\theta_i-\varepsilon,\dots)}{2\varepsilon};$$
# 3. the **relative difference** (S0 L842)
#    $$\text{check} = \frac{\lVert d\theta_{\text{approx}} - d\theta\rVert_2}
#      {\lVert d\theta_{\text{approx}}\rVert_2 + \lVert d\theta\rVert_2},$$
#    read with the thresholds $\le 10^{-7}$ great, $\approx 10^{-5}$ take a look,
#    $\ge 10^{-3}$ bug (S0 L850-852).
#
# We build the recipe by hand, then use the library's `ag.gradcheck` and the whole-model
# `nn.utils.check_gradients`; a correct model passes, a planted bug fails and the per-parameter
# table points at it, and the two traps the notes warn about (dropout, a missing L2 term) break
# the check.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import nn.datasets
import optim
from nn import functional as F

_ = ag.manual_seed(0)

# %% [markdown]
# ## 1. Why two-sided: the worked example $f(\theta) = \theta^3$ at $\theta = 1$
#
# With $\varepsilon = 0.01$ (S2 L1160-1170):
# $\frac{(1.01)^3 - (0.99)^3}{2\times0.01} = 3.0001$, against the true $f'(1) = 3$: an error of
# $10^{-4} = \varepsilon^2$. The one-sided difference $\frac{(1.01)^3 - 1}{0.01} = 3.0301$ is off
# by $0.03 \approx 3\varepsilon$: its error is $O(\varepsilon)$, the two-sided one
# $O(\varepsilon^2)$ (S0 L827-835).

# %%
def cube(t):
    return t**3


eps = 0.01
two_sided = (cube(1 + eps) - cube(1 - eps)) / (2 * eps)
one_sided = (cube(1 + eps) - cube(1)) / eps
print(f"two-sided: {two_sided:.6f}  error {abs(two_sided - 3):.1e}")
print(f"one-sided: {one_sided:.6f}  error {abs(one_sided - 3):.1e}")

theta = ag.tensor(1.0, dtype=np.float64, requires_grad=True)
report = ag.gradcheck(cube, theta, eps=0.01)
print(report)

# %% [markdown]
# Over a range of $\varepsilon$ the two error orders show as slopes 1 and 2 on a log-log plot,
# until floating-point rounding, which grows like $10^{-16}/\varepsilon$, takes over for small
# $\varepsilon$.

# %%
epsilons = np.logspace(-12, -1, 45)
err_two = [abs((cube(1 + e) - cube(1 - e)) / (2 * e) - 3) for e in epsilons]
err_one = [abs((cube(1 + e) - cube(1)) / e - 3) for e in epsilons]
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.loglog(epsilons, err_one, "o-", ms=3, label="one-sided (f(θ+ε) − f(θ)) / ε")
ax.loglog(epsilons, err_two, "s-", ms=3, label="two-sided (f(θ+ε) − f(θ−ε)) / 2ε")
ax.axvline(1e-7, color="k", ls="--", lw=0.8)
ax.text(1.3e-7, 3e-12, "ε = 1e-7", fontsize=9)
ax.set(xlabel="ε", ylabel="|error| of d(θ³)/dθ at θ = 1", title="finite-difference error")
ax.legend(fontsize=9)
plt.show()
best = epsilons[int(np.argmin(err_two))]
print(f"smallest two-sided error {min(err_two):.1e} at ε = {best:.1e}; "
      f"at ε = 1e-7 the error is {abs((cube(1 + 1e-7) - cube(1 - 1e-7)) / 2e-7 - 3):.1e}")

# %% [markdown]
# ## 2. The recipe by hand on a small network
#
# Three Gaussian blobs in 2-D, a 2-4-3 network with a tanh hidden layer and softmax
# cross-entropy, in **float64** (with float32 the rounding error of $J$ divided by
# $2\varepsilon = 2\times10^{-7}$ would swamp everything). `nn.utils.parameters_to_vector` unrolls
# $\theta$ in `model.parameters()` order, `grads_to_vector` does the same for $d\theta$, and
# `vector_to_parameters` writes a nudged $\theta$ back.

# %%
X_np, y_np = nn.datasets.make_blobs(n_samples=30, centers=3, cluster_std=1.5, rng=0)
X = ag.tensor(X_np / 5, dtype=np.float64)
y = ag.tensor(y_np)
m = X.shape[0]


def make_model(hidden=None):
    """2 -> 4 -> 3 with tanh; ``hidden`` is an optional extra layer after the tanh."""
    layers = [nn.Linear(2, 4, rng=np.random.default_rng(1)), nn.Tanh()]
    if hidden is not None:
        layers.append(hidden)
    layers.append(nn.Linear(4, 3, rng=np.random.default_rng(2)))
    return nn.Sequential(*layers).double()


cross_entropy = nn.CrossEntropyLoss()


def course_grad_check(model, cost, eps=1e-7):
    """The course's recipe (§8): unroll θ, nudge each component both ways, compare.

    ``cost()`` evaluates J at the model's current parameters.
    Returns (relative difference, dθ_approx, dθ).
    """
    params = list(model.parameters())
    for p in params:
        p.grad = None
    cost().backward()
    dtheta = nn.utils.grads_to_vector(params)
    theta = nn.utils.parameters_to_vector(params).data.copy()
    approx = np.empty_like(theta)
    with ag.no_grad():
        for i in range(theta.size):
            nudged = theta.copy()
            nudged[i] = theta[i] + eps
            nn.utils.vector_to_parameters(nudged, params)
            j_plus = cost().item()
            nudged[i] = theta[i] - eps
            nn.utils.vector_to_parameters(nudged, params)
            j_minus = cost().item()
            approx[i] = (j_plus - j_minus) / (2 * eps)
        nn.utils.vector_to_parameters(theta, params)
    check = np.linalg.norm(approx - dtheta) / (np.linalg.norm(approx) + np.linalg.norm(dtheta))
    return check, approx, dtheta


model = make_model()
print(model)
print("θ has", nn.utils.parameters_to_vector(model.parameters()).numel(), "components")
check, approx, dtheta = course_grad_check(model, lambda: cross_entropy(model(X), y))
print(f"relative difference {check:.2e} -> {ag.verdict_for(check)}")

# %% [markdown]
# ## 3. The library's checks pass on the correct model
#
# `ag.gradcheck(fn, inputs)` checks any function of float64 tensors (here the cost as a function
# of the parameters, which it nudges in place); `nn.utils.check_gradients(model, loss_fn, x, y)`
# is the recipe above for a whole model, run on a float64 copy, with one row per parameter.

# %%
params = list(model.parameters())
print(ag.gradcheck(lambda *ps: cross_entropy(model(X), y), params))
print()
print(nn.utils.check_gradients(model, cross_entropy, X, y))

# %% [markdown]
# ## 4. A planted bug, found by the per-parameter report
#
# A custom linear layer written as an `ag.Function` with its own backward. The bug is a classic:
# the course writes $db = \frac1m\sum dZ$ for $dZ = A - Y$, but the upstream gradient arriving
# at this layer already carries the cost's $\frac1m$ (notebook 02 showed autograd's
# $\partial J/\partial z = (A-Y)/m$). Copying the formula divides by $m$ twice: `mean` where a
# `sum` belongs. The weights' gradient is right.

# %%
class SloppyLinearFunction(ag.Function):
    """y = x @ W.T + b, with a wrong bias gradient (mean over the batch instead of sum)."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        return grad @ weight, grad.T @ x, grad.mean(axis=0)  # BUG: should be grad.sum(axis=0)


class SloppyLinear(nn.Linear):
    def forward(self, x):
        return SloppyLinearFunction.apply(x, self.weight, self.bias)


buggy = make_model(hidden=SloppyLinear(4, 4, rng=np.random.default_rng(3)))
check, approx, dtheta = course_grad_check(buggy, lambda: cross_entropy(buggy(X), y))
print(f"by hand: relative difference {check:.2e} -> {ag.verdict_for(check)}")
worst = np.argsort(-np.abs(approx - dtheta))[:4]
print("largest discrepancies at θ indices", worst.tolist())

# %% [markdown]
# The whole-vector number says *that* something is wrong; the notes' advice is to look at the
# components (S0 L861): "the bug may be only in db". Indices 28..31 of θ mean little by
# themselves; the per-parameter table names the parameter and its layer:

# %%
report = nn.utils.check_gradients(buggy, cross_entropy, X, y)
print(report)
failed = [r.name for r in report.rows if r.verdict != "great"]
print("\nrows not 'great':", failed)

# %% [markdown]
# ## 5. Dropout breaks the check
#
# "Doesn't work with dropout" (S0 L859): each evaluation of $J$ draws a new mask, so $J$ is not
# one function of $\theta$ and the differences $J(\theta+\varepsilon) - J(\theta-\varepsilon)$
# are dominated by the change of mask. Same network with inverted dropout (`keep_prob = 0.8`,
# i.e. `nn.Dropout(p=0.2)`) after the hidden layer, in training mode:

# %%
dropout_model = make_model(hidden=nn.Dropout(p=0.2, rng=np.random.default_rng(5)))
dropout_model.train()
check_train, _, _ = course_grad_check(dropout_model,
                                      lambda: cross_entropy(dropout_model(X), y))
print(f"train mode, keep_prob 0.8: relative difference {check_train:.2e} -> "
      f"{ag.verdict_for(check_train)}")
dropout_model.eval()  # the notes' fix: keep_prob = 1 while checking
check_eval, _, _ = course_grad_check(dropout_model, lambda: cross_entropy(dropout_model(X), y))
print(f"eval mode (keep_prob 1):   relative difference {check_eval:.2e} -> "
      f"{ag.verdict_for(check_eval)}")
dropout_model.train()
print()
print(nn.utils.check_gradients(dropout_model, cross_entropy, X, y))

# %% [markdown]
# `check_gradients` follows the notes' advice by itself: it checks a copy with dropout off
# (its note says so), so a model in training mode passes.
#
# ## 6. A missing L2 term breaks the check
#
# With L2 regularization the cost is $J = \frac1m\sum L + \frac{\lambda}{2m}\sum_l
# \lVert W^{[l]}\rVert_F^2$ and the gradient gains $\frac{\lambda}{m}W^{[l]}$ (S0 L200-219). The
# notes' third warning (S0 L860): if $d\theta$ includes the term, $J$ must include it too. Here
# the gradient gets the term through a hook on each weight (as a hand-written backward would add
# it), but the cost we check is the plain loss:

# %%
lambd = 1.0
l2_model = make_model()
hooks = [p.register_hook(lambda g, p=p: g + (lambd / m) * p.detach())
         for p in l2_model.parameters() if p.ndim >= 2]
check_missing, _, _ = course_grad_check(l2_model, lambda: cross_entropy(l2_model(X), y))
print(f"J without the penalty, dθ with it: relative difference {check_missing:.2e} -> "
      f"{ag.verdict_for(check_missing)}")
print()
print(nn.utils.check_gradients(l2_model, cross_entropy, X, y))

# %% [markdown]
# Only the weight rows fail: the biases are not regularized, so their gradients still agree.
# The fix is to put the penalty into $J$ (`F.l2_penalty`, the course's
# $\frac{\lambda}{2m}\sum\lVert W\rVert_F^2$) and let autograd derive its gradient, instead of
# adding the gradient by hand:

# %%
for h in hooks:
    h.remove()


def penalty(ps):
    return F.l2_penalty(ps, lambd, m)


check_fixed, _, _ = course_grad_check(
    l2_model, lambda: cross_entropy(l2_model(X), y) + penalty(list(l2_model.parameters())))
print(f"J and dθ both with the penalty: relative difference {check_fixed:.2e} -> "
      f"{ag.verdict_for(check_fixed)}")
print()
print(nn.utils.check_gradients(l2_model, cross_entropy, X, y, penalty=penalty))

# %% [markdown]
# ## 7. Check again after some training
#
# A bug can hide while the weights are small (S2 L1307-1313). Train the correct network for a
# while and check again: the gradients are smaller now, but the relative difference stays tiny.

# %%
opt_model = make_model()
_, _, dtheta_early = course_grad_check(opt_model, lambda: cross_entropy(opt_model(X), y))
opt = optim.SGD(opt_model.parameters(), lr=0.5)
for _ in range(300):
    opt.zero_grad()
    loss = cross_entropy(opt_model(X), y)
    loss.backward()
    opt.step()
print(f"loss after 300 steps: {loss.item():.4f}")
check_late, _, dtheta_late = course_grad_check(opt_model, lambda: cross_entropy(opt_model(X), y))
print(f"|dθ| at the start {np.linalg.norm(dtheta_early):.2e}, after training "
      f"{np.linalg.norm(dtheta_late):.2e}; relative difference {check_late:.2e} -> "
      f"{ag.verdict_for(check_late)}")

# %% [markdown]
# ## Conclusions
#
# * The worked example reproduces: $\theta^3$ at $\theta=1$ with $\varepsilon=0.01$ gives
#   3.0001 two-sided and 3.0301 one-sided (`ag.gradcheck` with that ε reports a relative
#   difference of $1.7\times10^{-5}$, "look": the $\varepsilon^2$ error itself). The error plot
#   shows the $O(\varepsilon)$ and $O(\varepsilon^2)$ slopes and the rounding noise for tiny
#   $\varepsilon$; for this function the two-sided error is smallest near
#   $\varepsilon\approx3\times10^{-6}$, and at the course's $10^{-7}$ it is still below
#   $10^{-10}$.
# * The recipe (unroll θ, nudge each component, relative difference) is twenty lines on top of
#   `parameters_to_vector` / `vector_to_parameters`; on the correct float64 network it and both
#   library checks report "great".
# * The planted bug (a bias gradient averaged twice) gives a relative difference of 0.084,
#   "bug"; the per-parameter table of `check_gradients` flags exactly one row, `2.bias` of the
#   `SloppyLinear` layer (0.94, the analytic value 1/30 of the numeric one, as a double
#   division by m = 30 predicts), and every other row stays "great".
# * With dropout in training mode (keep_prob 0.8) the relative difference is 1.0, a total
#   mismatch, because $J$ changes from one evaluation to the next; with `keep_prob = 1` it is
#   $3.7\times10^{-9}$ again, and `check_gradients` switches dropout off itself.
# * A gradient that includes the L2 term checked against a cost that does not gives 0.032,
#   "bug", on the weight rows only (the biases are not regularized); putting the penalty in $J$
#   and letting autograd differentiate it brings it back to $4\times10^{-9}$.
# * After 300 training steps the gradient is about 150 times smaller and the check still reads
#   "great" ($3.5\times10^{-8}$).
