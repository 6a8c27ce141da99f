# %% [markdown]
# # 08 · Optimization: mini-batches, averages, Momentum/RMSprop/Adam, learning-rate decay
#
# This notebook follows the optimization chapter of the course notes (seed inventory §9) with
# graphgrad:
#
# 1. **Batch vs mini-batch vs stochastic gradient descent**: cost per step and per epoch, with
#    `nn.data.DataLoader` reshuffling every epoch (§7.3, §9.1).
# 2. **Exponentially weighted averages** (`optim.EWA`) with β = 0.5, 0.9, 0.98 and **bias
#    correction**, reproducing the notes' numbers (§9.2-9.3).
# 3. **GD vs Momentum vs RMSprop vs Adam** on an elongated quadratic "canyon" and on a small
#    network (§9.4-9.7).
# 4. **Learning-rate decay**: the schedules plotted and compared, and what decay does to
#    convergence (§9.8).
#
# Layout is PyTorch's: a batch `x` is `(N, features)`; the course's column-per-example
# `Z = W X + b` is `x @ W.T + b` here.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import nn.data
import nn.datasets
import optim

ag.manual_seed(0)
plt.rcParams["figure.dpi"] = 90

# %% [markdown]
# ## 1. Batch, mini-batch and stochastic gradient descent
#
# One update per mini-batch $X^{\{t\}}$ (course notes S0 L928-952):
#
# $$J^{\{t\}} = \frac{1}{|B_t|}\sum_{i \in B_t} \mathcal{L}(\hat y^{(i)}, y^{(i)}), \qquad
# W := W - \alpha\, dW, \quad b := b - \alpha\, db .$$
#
# Batch size $m$ is batch gradient descent (one step per epoch), size 1 is stochastic
# gradient descent ($m$ steps per epoch), anything in between is mini-batch descent. An
# **epoch** is one pass over all mini-batches, and the examples are **shuffled before each
# epoch** (S4 L672). `DataLoader(X, y, batch_size=64, shuffle=True, seed=0)` does that: each
# `for` loop over it is an epoch with a fresh permutation; when 64 does not divide $m$, the
# last batch is smaller.
#
# The data: 500 points of the two-moons set, a 2-16-1 tanh network with a sigmoid output and
# the cross-entropy cost.

# %%
X, y = nn.datasets.make_moons(n_samples=500, noise=0.2, rng=0)
X = nn.data.Standardizer().fit(X).transform(X)
y = y.astype(np.float32)[:, None]
m = len(X)

loader = nn.data.DataLoader(X, y, batch_size=64, shuffle=True, seed=0)
print(f"m = {m}, batch_size = 64 -> {len(loader)} mini-batches per epoch")
print("batch sizes of one epoch:", [len(xb) for xb, _ in loader])

# Which examples land in the first mini-batch? Shuffle an index array the same way.
index_loader = nn.data.DataLoader(np.arange(m), batch_size=8, shuffle=True, seed=0,
                                  as_numpy=True)
for epoch in range(1, 4):
    print(f"epoch {epoch}: first mini-batch holds examples {next(iter(index_loader))}")

# %% [markdown]
# A training loop written out, recording the cost of every mini-batch (per step) and the cost
# on the whole training set after every epoch. Every run starts from the same initial
# weights.

# %%
X_all, y_all = ag.tensor(X), ag.tensor(y)
loss_fn = nn.BCEWithLogitsLoss()


def make_net() -> nn.Sequential:
    ag.manual_seed(1)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))


def full_cost(model: nn.Module) -> float:
    with ag.no_grad():
        return loss_fn(model(X_all), y_all).item()


def train(batch_size: int, epochs: int, lr: float, make_opt=optim.SGD) -> dict:
    model = make_net()
    opt = make_opt(model.parameters(), lr=lr)
    data = nn.data.DataLoader(X, y, batch_size=batch_size, shuffle=True, seed=0)
    step_costs, epoch_costs = [], [full_cost(model)]
    start = time.perf_counter()
    for _ in range(epochs):
        for xb, yb in data:
            cost = loss_fn(model(xb), yb)
            opt.zero_grad()
            cost.backward()
            opt.step()
            step_costs.append(cost.item())
        epoch_costs.append(full_cost(model))
    seconds = time.perf_counter() - start
    return {"step": np.array(step_costs), "epoch": np.array(epoch_costs),
            "s/epoch": seconds / epochs}


# %% [markdown]
# **Per step.** Batch gradient descent for 300 iterations (300 epochs, one step each) against
# mini-batch descent with batches of 64 for the same 300 steps (38 epochs), both with
# α = 0.5. The noisy mini-batch cost is smoothed with the exponentially weighted average of
# section 2 (`optim.EWA(0.9)`).

# %%
batch_run = train(batch_size=m, epochs=300, lr=0.5)
mini_run = train(batch_size=64, epochs=38, lr=0.5)

smooth = optim.EWA(0.9)
mini_smooth = [smooth.update(c) for c in mini_run["step"]]
rises = int(np.sum(np.diff(batch_run["step"]) > 0))

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
axes[0].plot(batch_run["step"], color="tab:blue")
axes[0].set_title(f"batch GD: J per iteration ({rises} increases in 299 steps)")
axes[1].plot(mini_run["step"][:300], color="tab:orange", alpha=0.5, label="$J^{\\{t\\}}$")
axes[1].plot(mini_smooth[:300], color="black", label="EWA β = 0.9 (bias-corrected)")
axes[1].set_title("mini-batch GD (64): J per mini-batch")
axes[1].legend()
for ax in axes:
    ax.set_xlabel("step")
    ax.set_ylabel("cost")
    ax.grid(alpha=0.3)
plt.tight_layout()
plt.show()

# %% [markdown]
# **Per epoch.** Now the same number of epochs (10) for the three batch sizes, with one α
# (0.1) for all, recording the full training cost after each epoch and the wall time per
# epoch.

# %%
runs = {"batch (m = 500)": train(batch_size=m, epochs=10, lr=0.1),
        "mini-batch (64)": train(batch_size=64, epochs=10, lr=0.1),
        "stochastic (1)": train(batch_size=1, epochs=10, lr=0.1)}

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for name, run in runs.items():
    axes[0].plot(run["epoch"], marker="o", ms=3, label=name)
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("training cost J after the epoch")
axes[0].legend()
axes[0].grid(alpha=0.3)
sgd_steps = runs["stochastic (1)"]["step"]
axes[1].plot(sgd_steps, lw=0.3, color="tab:green")
axes[1].set_xlabel("step")
axes[1].set_ylabel("cost of one example")
axes[1].set_title("SGD: the cost of each single-example step")
plt.tight_layout()
plt.show()

for name, run in runs.items():
    print(f"{name:17s}: J after 10 epochs = {run['epoch'][-1]:.4f}, "
          f"{len(run['step']) // 10:4d} steps/epoch, {1000 * run['s/epoch']:7.1f} ms/epoch")

# %% [markdown]
# ## 2. Exponentially weighted averages
#
# $$v_0 = 0, \qquad v_t = \beta\, v_{t-1} + (1-\beta)\,\theta_t
# \qquad\text{(S0 L1137-1140)}$$
#
# averages over roughly $1/(1-\beta)$ observations: β = 0.5 → 2, 0.9 → 10, 0.98 → 50
# (S0 L1167-1175). Unrolled, $v_{100} = 0.1\,\theta_{100} + 0.1\cdot 0.9\,\theta_{99} +
# 0.1\cdot 0.9^2\,\theta_{98} + \dots$, and $0.9^{10} \approx 0.35 \approx 1/e$: ten days
# back an observation's weight has fallen to about a third (S0 L1226-1258).

# %%
weights = [(1 - 0.9) * 0.9**k for k in range(4)]
print("weights of θ_100, θ_99, θ_98, θ_97 for β = 0.9:", np.round(weights, 4))
print(f"0.9**10 = {0.9**10:.4f}, 1/e = {np.exp(-1):.4f}")
for beta in (0.5, 0.9, 0.98, 0.999):
    print(f"β = {beta}: window 1/(1-β) = {1 / (1 - beta):g}")

# %% [markdown]
# A temperature-like series: a year of daily values, seasonal plus noise, in °F, starting
# with London's first two days from the notes, θ₁ = 40 and θ₂ = 49 (S0 L1134).

# %%
rng = np.random.default_rng(0)
days = np.arange(1, 366)
theta = 52 - 14 * np.cos(2 * np.pi * (days - 15) / 365) + rng.normal(0, 5, days.size)
theta[:2] = [40.0, 49.0]


def ewa_series(beta: float, bias_correction: bool) -> np.ndarray:
    avg = optim.EWA(beta, bias_correction=bias_correction)
    return np.array([avg.update(t) for t in theta])


fig, ax = plt.subplots(figsize=(11, 4))
ax.scatter(days, theta, s=6, color="tab:blue", alpha=0.5, label="θ_t (daily)")
for beta, color in ((0.5, "gold"), (0.9, "red"), (0.98, "green")):
    ax.plot(days, ewa_series(beta, bias_correction=True), color=color, lw=2,
            label=f"β = {beta} (≈ {1 / (1 - beta):.0f} days)")
ax.set_xlabel("day")
ax.set_ylabel("temperature (°F)")
ax.legend()
ax.set_title("EWA with bias correction: larger β is smoother but lags behind")
plt.show()

# %% [markdown]
# ### Bias correction
#
# Starting from $v_0 = 0$ biases the first values toward 0. The correction
#
# $$v_t^{\text{corrected}} = \frac{v_t}{1-\beta^t}\qquad\text{(S0 L1301)}$$
#
# fixes it. The notes' example with β = 0.98 (S0 L1283-1313): $v_1 = 0.02\,\theta_1 = 0.8$
# for θ₁ = 40, corrected back to 40; $v_2 = 0.0196\,\theta_1 + 0.02\,\theta_2$ and
# $1 - 0.98^2 = 0.0396$. `optim.EWA` computes them:

# %%
raw = optim.EWA(0.98, bias_correction=False)
corrected = optim.EWA(0.98, bias_correction=True)
for t, obs in enumerate(theta[:2], start=1):
    v = raw.update(obs)
    vc = corrected.update(obs)
    print(f"t = {t}: θ = {obs:g}, v = {v:.4f}, 1 - 0.98^{t} = {1 - 0.98**t:.4f}, "
          f"corrected = {vc:.6f}")
assert np.isclose(raw.raw, 0.0196 * 40 + 0.02 * 49)
assert np.isclose(corrected.value, (0.0196 * 40 + 0.02 * 49) / 0.0396)

# %%
fig, ax = plt.subplots(figsize=(11, 3.8))
first = slice(0, 90)
ax.scatter(days[first], theta[first], s=8, color="tab:blue", alpha=0.5, label="θ_t")
ax.plot(days[first], ewa_series(0.98, bias_correction=False)[first], color="purple", lw=2,
        label="β = 0.98, no correction")
ax.plot(days[first], ewa_series(0.98, bias_correction=True)[first], color="green", lw=2,
        label="β = 0.98, bias-corrected")
ax.set_xlabel("day")
ax.set_ylabel("temperature (°F)")
ax.legend()
ax.set_title("The first 90 days: the uncorrected average starts at 0")
plt.show()

gap = np.abs(ewa_series(0.98, True) - ewa_series(0.98, False))
for t in (1, 10, 50, 100, 200):
    print(f"day {t:3d}: corrected - raw = {gap[t - 1]:7.3f} °F (1 - 0.98^t = {1 - 0.98**t:.3f})")

# %% [markdown]
# ## 3. GD, Momentum, RMSprop and Adam
#
# The four update rules (course forms, seed inventory §9.4-9.7), with $g = dW$:
#
# | | state update | parameter update |
# |---|---|---|
# | GD (`optim.SGD`) | — | $W := W - \alpha g$ |
# | Momentum (`optim.Momentum`, course form) | $v = \beta v + (1-\beta) g$ | $W := W - \alpha v$ |
# | RMSprop (`optim.RMSprop`, β₂ = `alpha`) | $S = \beta_2 S + (1-\beta_2) g^2$ | $W := W - \alpha\, g / (\sqrt{S} + \varepsilon)$ |
# | Adam (`optim.Adam`) | $v$ and $S$ as above, then $\hat v = v/(1-\beta_1^t)$, $\hat S = S/(1-\beta_2^t)$ | $W := W - \alpha\, \hat v / (\sqrt{\hat S} + \varepsilon)$ |
#
# `optim.Momentum` is the course's form (an EWA of the gradients); PyTorch's
# `SGD(momentum=β)` accumulates $v = \beta v + g$ instead, $1/(1-\beta)$ times larger.
#
# **The canyon.** $J(w) = \tfrac12(0.02\,w_1^2 + 2\,w_2^2)$ is 100 times steeper across
# ($w_2$) than along ($w_1$), the elongated bowl of S0 L1346-1351. Gradient descent is stable
# only for α < 2/2 = 1, and close to that limit it bounces from wall to wall while crawling
# along the floor.

# %%
curv = np.array([0.02, 2.0])


def canyon(w: ag.Tensor) -> ag.Tensor:
    return 0.5 * (curv[0] * w[0] ** 2 + curv[1] * w[1] ** 2)


def descend(make_opt, steps: int = 80, start=(-9.0, 1.5)) -> tuple[np.ndarray, np.ndarray]:
    w = ag.tensor(start, dtype=np.float64, requires_grad=True)
    opt = make_opt([w])
    path, costs = [w.data.copy()], [canyon(w).item()]
    for _ in range(steps):
        cost = canyon(w)
        opt.zero_grad()
        cost.backward()
        opt.step()
        path.append(w.data.copy())
        costs.append(canyon(w).item())
    return np.array(path), np.array(costs)


optimizers = {
    "GD, α = 0.9": lambda p: optim.SGD(p, lr=0.9),
    "Momentum β = 0.9, α = 0.9": lambda p: optim.Momentum(p, lr=0.9, beta=0.9),
    "Momentum β = 0.9, α = 4": lambda p: optim.Momentum(p, lr=4.0, beta=0.9),
    "RMSprop β₂ = 0.9, α = 0.2": lambda p: optim.RMSprop(p, lr=0.2, alpha=0.9, eps=1e-8),
    "Adam, α = 0.5": lambda p: optim.Adam(p, lr=0.5),
}
results = {name: descend(make) for name, make in optimizers.items()}

g1, g2 = np.meshgrid(np.linspace(-10, 2, 240), np.linspace(-2, 2, 160))
fig, axes = plt.subplots(1, 2, figsize=(14, 4.4), gridspec_kw={"width_ratios": [1.6, 1]})
axes[0].contour(g1, g2, 0.5 * (curv[0] * g1**2 + curv[1] * g2**2), levels=25, cmap="Greys",
                linewidths=0.6)
for name, (path, costs) in results.items():
    axes[0].plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, label=name)
    axes[1].semilogy(costs, label=name)
axes[0].plot(0, 0, "k*", ms=12)
axes[0].set_xlabel("$w_1$ (along the canyon)")
axes[0].set_ylabel("$w_2$ (across)")
axes[0].set_title("80 steps from (-9, 1.5)")
axes[1].set_xlabel("step")
axes[1].set_ylabel("J(w)")
axes[1].legend(fontsize=8)
axes[1].grid(alpha=0.3)
plt.tight_layout()
plt.show()

for name, (path, costs) in results.items():
    jumps = int(np.sum(np.sign(path[1:11, 1]) != np.sign(path[:10, 1])))
    print(f"{name:27s}: J after 20/80 steps = {costs[20]:.2e} / {costs[-1]:.2e}; "
          f"w2 changes sign {jumps} times in the first 10 steps")
_, gd4 = descend(lambda p: optim.SGD(p, lr=4.0), steps=10)
print(f"GD with α = 4 for comparison: J after 10 steps = {gd4[-1]:.2e} (diverges)")

# %% [markdown]
# **A small network.** The same four optimizers training the moons network of section 1
# with mini-batches of 64 for 30 epochs, each at a common learning rate for its family
# (GD and Momentum α = 0.5; RMSprop and Adam α = 0.01), with `nn.fit`.

# %%
train_loader = nn.data.DataLoader(X, y, batch_size=64, shuffle=True, seed=0)
choices = {"GD (SGD)": lambda p: optim.SGD(p, lr=0.5),
           "Momentum": lambda p: optim.Momentum(p, lr=0.5, beta=0.9),
           "RMSprop": lambda p: optim.RMSprop(p, lr=0.01, alpha=0.9),
           "Adam": lambda p: optim.Adam(p, lr=0.01)}
histories = {}
for name, make in choices.items():
    model = make_net()
    histories[name] = nn.fit(model, loss_fn, make(model.parameters()), train_loader,
                             epochs=30, progress=False)

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for name, hist in histories.items():
    axes[0].plot(hist["epoch"], hist["train_loss"], label=name)
    axes[1].plot(hist.batch_losses, lw=0.7, label=name)
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("mean mini-batch cost of the epoch")
axes[1].set_xlabel("step")
axes[1].set_ylabel("$J^{\\{t\\}}$")
for ax in axes:
    ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
plt.tight_layout()
plt.show()
for name, hist in histories.items():
    print(f"{name:9s}: cost after epoch 5 = {hist['train_loss'][4]:.4f}, "
          f"after epoch 30 = {hist['train_loss'][-1]:.4f}")

# %% [markdown]
# ## 4. Learning-rate decay
#
# The schedules of the notes (§9.8) and their classes; a scheduler's `step()` is called once
# per epoch, and epoch 0 is the starting rate α₀:
#
# | schedule | formula | class |
# |---|---|---|
# | time-based (S2 L1999) | $\alpha = \alpha_0 / (1 + \text{decay\_rate}\cdot\text{epoch})$ | `InverseTimeDecay` |
# | exponential (S0 L1761) | $\alpha = 0.95^{\text{epoch}}\,\alpha_0$ | `ExponentialLR(gamma=0.95)` |
# | square root (S0 L1762) | $\alpha = k\,\alpha_0 / \sqrt{\text{epoch}}$ | `InverseSqrtDecay(k)` |
# | staircase (S2 L2036) | $\alpha = \alpha_0 \cdot 0.5^{\lfloor \text{epoch}/k \rfloor}$ | `StepLR(step_size=k, gamma=0.5)` |
# | warm restarts (S4 L789) | back to α₀ every $T_0$ epochs | `CosineAnnealingWarmRestarts(T_0)` (cosine in between, PyTorch's SGDR) |
#
# The worked example of S2 L2007-2009, α₀ = 0.2 and decay_rate = 1:

# %%
sched_opt = optim.SGD([nn.Parameter(np.zeros(1, dtype=np.float32))], lr=0.2)
decay = optim.lr_scheduler.InverseTimeDecay(sched_opt, decay_rate=1.0)
for epoch in range(1, 5):
    decay.step()
    print(f"epoch {epoch}: α = {decay.get_last_lr()[0]:.4f}")

# %%
lr_sched = optim.lr_scheduler
schedules = {
    "constant": lambda o: None,
    "InverseTimeDecay(1)": lambda o: lr_sched.InverseTimeDecay(o, decay_rate=1.0),
    "ExponentialLR(0.95)": lambda o: lr_sched.ExponentialLR(o, gamma=0.95),
    "InverseSqrtDecay(k=1)": lambda o: lr_sched.InverseSqrtDecay(o, k=1.0),
    "StepLR(5, 0.5)": lambda o: lr_sched.StepLR(o, step_size=5, gamma=0.5),
    "CosineWarmRestarts(10)": lambda o: lr_sched.CosineAnnealingWarmRestarts(o, T_0=10),
}


def lr_curve(make_sched, alpha0: float = 0.2, epochs: int = 30) -> list[float]:
    opt = optim.SGD([nn.Parameter(np.zeros(1, dtype=np.float32))], lr=alpha0)
    sched = make_sched(opt)
    rates = []
    for _ in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        if sched is not None:
            sched.step()
    return rates


fig, ax = plt.subplots(figsize=(10, 4))
for name, make in schedules.items():
    ax.plot(lr_curve(make), marker="o", ms=3, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("α")
ax.set_title("α₀ = 0.2")
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# **Effect on convergence.** With a fixed α, mini-batch descent never settles: the gradient
# of each small batch is noisy, so the parameters keep wandering around the minimum. A
# decaying α shrinks the steps, and the wandering with them (S0 L1749). A noisy linear
# regression with two weights, mini-batches of 8 and α₀ = 0.2, where the exact minimizer is
# known (least squares), for each schedule:

# %%
rng = np.random.default_rng(1)
Xr = rng.normal(size=(400, 2)).astype(np.float32)
yr = (Xr @ np.array([2.0, -1.0]) + rng.normal(0, 1.0, 400)).astype(np.float32)[:, None]
w_star = np.linalg.lstsq(Xr.astype(np.float64), yr[:, 0].astype(np.float64), rcond=None)[0]
mse = nn.MSELoss()


def regress(make_sched, epochs: int = 30) -> np.ndarray:
    w = nn.Parameter(np.zeros((2, 1), dtype=np.float32))
    opt = optim.SGD([w], lr=0.2)
    sched = make_sched(opt)
    data = nn.data.DataLoader(Xr, yr, batch_size=8, shuffle=True, seed=0)
    path = [w.data[:, 0].copy()]
    for _ in range(epochs):
        for xb, yb in data:
            cost = mse(xb @ w, yb)
            opt.zero_grad()
            cost.backward()
            opt.step()
            path.append(w.data[:, 0].copy())
        if sched is not None:
            sched.step()
    return np.array(path)


paths = {name: regress(make) for name, make in schedules.items()}
steps_per_epoch = len(nn.data.DataLoader(Xr, yr, batch_size=8))

fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
for name in ("constant", "ExponentialLR(0.95)", "InverseTimeDecay(1)"):
    tail = paths[name][-10 * steps_per_epoch:]
    axes[0].plot(tail[:, 0], tail[:, 1], ".-", ms=2, lw=0.5, label=name)
axes[0].plot(*w_star, "k*", ms=14, label="least-squares minimum")
axes[0].set_xlabel("$w_1$")
axes[0].set_ylabel("$w_2$")
axes[0].set_title("the last 10 epochs of mini-batch steps")
axes[0].legend(fontsize=8)
for name, path in paths.items():
    dist = np.linalg.norm(path[::steps_per_epoch] - w_star, axis=1)
    axes[1].semilogy(dist, label=name)
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("‖w − w*‖ at the end of the epoch")
axes[1].legend(fontsize=8)
axes[1].grid(alpha=0.3)
plt.tight_layout()
plt.show()

for name, path in paths.items():
    spread = np.linalg.norm(path[-10 * steps_per_epoch:] - w_star, axis=1)
    print(f"{name:23s}: mean distance to w* over the last 10 epochs = {spread.mean():.4f}")

# %% [markdown]
# ## Conclusions
#
# *(Numbers from the run above.)*
#
# - **Batch vs mini-batch.** Batch gradient descent's cost went down at every one of its 300
#   iterations (0 increases), as the notes expect at a good α. The mini-batch cost per step is
#   noisy, since each $J^{\{t\}}$ is measured on a different batch of 64, but it trends down,
#   and its EWA follows the batch curve. Per epoch, at one α = 0.1, mini-batch descent
#   (8 steps/epoch) reached J = 0.30 after 10 epochs against 0.59 for batch descent (1 step
#   per epoch). SGD (500 steps per epoch) got lowest, 0.095, but each of its epochs took about
#   50 times the wall time of a mini-batch epoch (≈ 170 ms vs ≈ 3 ms: no vectorization across
#   examples), and its single-example costs jump between 0 and ~5.
# - **EWA.** β = 0.5 follows the noise, β = 0.98 is smooth but lags the season by weeks (it
#   peaks well after the data do), 0.9 is in between. `optim.EWA` reproduces the notes'
#   numbers: v₁ = 0.8 → 40 after correction, v₂ = 1.764 → 44.545455 (the notes' 44.5454,
#   truncated). Without correction the β = 0.98 curve starts near 0; the gap is 39 °F on day 1,
#   still 15 °F on day 50 and about 1 °F on day 200, shrinking with $\beta^t$.
# - **Optimizers on the canyon.** GD at α = 0.9 flipped the sign of $w_2$ at all of its first
#   10 steps and crept along $w_1$ (J = 4.4e-2 after 80 steps). Momentum at the same α crossed
#   only once in those steps: the zig-zag becomes a slow, smooth swing, but its speed along the
#   canyon is no better (J = 3.9e-2), because the course's $v$ is an *average* of gradients.
#   Its gain is stability at a larger α: at α = 4 GD diverges (J ≈ 1.8e17 after 10 steps) while
#   Momentum reaches J = 1.8e-4. RMSprop scales each coordinate by its own gradient size and
#   walked down the canyon without crossing it, reaching the lowest cost at step 80 (3.4e-5),
#   with one overshoot near the minimum (the spike around step 67: where gradients are tiny,
#   S is tiny too and the normalized step stays about α). Adam (momentum + RMSprop + bias
#   correction) was lowest early (5.8e-2 at step 20) and spirals into the minimum.
# - **On the network** the differences are small at these learning rates: all four methods
#   reach the same plateau (~0.27) within a few epochs, Momentum and GD fastest; after 30
#   epochs RMSprop (0.153) and Adam (0.168) are ahead of Momentum (0.176) and GD (0.196).
#   The canyon shows the mechanisms; on a real cost the ranking depends on the α chosen for
#   each, which is why α is tuned per optimizer (notebook 09).
# - **Decay.** `InverseTimeDecay` reproduces the notes' worked numbers (0.1, 0.0667, 0.05,
#   0.04). With a constant α the mini-batch iterate keeps wandering around the least-squares
#   minimum (mean distance 0.22 over the last 10 epochs); every decaying schedule ends closer,
#   the fast ones tightest on this easy problem (time-based with rate 1: 0.016, staircase:
#   0.019; 0.95^epoch: 0.090; 1/√epoch: 0.069). Warm restarts push α back to α₀ every 10
#   epochs, so the distance jumps back up after each restart and falls at the end of a cycle.
