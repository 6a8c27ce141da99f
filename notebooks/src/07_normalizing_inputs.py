# %% [markdown]
# # 07 · Normalizing inputs: round bowls and the training-set statistics
#
# When one feature ranges over hundreds and another over ones, the cost is an elongated
# valley in weight space: gradient descent must use a learning rate small enough for the steep
# direction and then crawls along the flat one. Standardizing every feature to mean 0 and
# variance 1 makes the bowl round (course notes S0 L532-584, S2 L976-1010, seed inventory §7.2).
# The course's two steps, on the **training set**:
#
# $$\mu = \frac1m\sum_{i=1}^m x^{(i)},\qquad
#   \sigma^2 = \frac1m\sum_{i=1}^m \big(x^{(i)}-\mu\big)^2,\qquad
#   x := \frac{x-\mu}{\sigma}$$
#
# and "use the same μ and σ² to normalize the dev and test sets — do not recompute them"
# (S0 L577-584; S2 L995: it prevents data leakage). This notebook does the notes' exercise —
# make one feature ×100 and compare convergence with and without standardization (S4
# L1760-1762) — draws the cost contours of a 2-parameter model in both cases, and shows
# numerically what goes wrong when dev/test data are standardized with their own statistics.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import nn.data
import nn.datasets
import nn.metrics
import optim

NOTEBOOK_START = time.perf_counter()

# %% [markdown]
# ## Data with one badly scaled feature
#
# The course's logistic-regression data (`make_classification` with 2 informative features,
# §17.4, with some label noise so the cost has a finite minimum), then feature 1 multiplied by
# 100. Split 60/20/20 into train, dev and test (§7.1).

# %%
X, y = nn.datasets.make_classification(n_samples=500, n_features=2, n_informative=2,
                                       n_redundant=0, flip_y=0.1, rng=3)
X = X * np.array([100.0, 1.0], dtype=X.dtype)
(X_train, y_train), (X_dev, y_dev), (X_test, y_test) = nn.data.train_dev_test_split(
    X, y, ratios=(0.6, 0.2, 0.2), seed=0, stratify=True)
print("feature std on the training set:", X_train.std(axis=0))

scaler = nn.data.Standardizer().fit(X_train)
print("Standardizer fitted on train only: μ =", scaler.mean_, " σ =", np.sqrt(scaler.var_))
Z_train, Z_dev, Z_test = (scaler.transform(a) for a in (X_train, X_dev, X_test))
print("standardized train: mean", Z_train.mean(axis=0).round(6), "std", Z_train.std(axis=0))

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, data, title in ((axes[0], X_train, "raw: feature 1 ×100"),
                        (axes[1], Z_train, "standardized (train μ, σ)")):
    ax.scatter(data[:, 0], data[:, 1], c=y_train, cmap="coolwarm", s=10, edgecolors="k",
               linewidths=0.3)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(title)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The cost surface of a 2-parameter model
#
# Logistic regression without bias, `ŷ = σ(w₁x₁ + w₂x₂)`, has just two parameters, so its
# cost `J(w₁, w₂)` (binary cross-entropy, §4) can be drawn as contours over a grid — here with
# equal scales on both axes. For the raw data a change of w₁ moves `z` 100 times more than the
# same change of w₂: the contours are squeezed along w₁. Standardized, they are much rounder.
# On top: the path of 40 gradient-descent steps from `w = (−2.5, −2.5)`, each at the largest
# learning rate (from a small grid) that keeps the cost going down.

# %%
def cost_grid(data, labels, w1, w2):
    """J(w₁, w₂) on a grid, vectorized: BCE as log(1 + e^{−z}) or log(1 + e^{z})."""
    z = data[:, :1, None] * w1[None] + data[:, 1:, None] * w2[None]   # (m, G, G)
    sign = np.where(labels == 1, -1.0, 1.0)[:, None, None]
    return np.logaddexp(0.0, sign * z).mean(axis=0)


def descend(model, data, labels, lr, steps):
    """Batch gradient descent on the BCE cost; returns the costs and the weights per step."""
    opt = optim.SGD(model.parameters(), lr=lr)
    x, t = ag.tensor(data.astype(np.float32)), ag.tensor(labels[:, None].astype(np.float32))
    path, costs = [model.weight.data.ravel().copy()], []
    for _ in range(steps):
        loss = nn.BCEWithLogitsLoss()(model(x), t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        costs.append(loss.item())
        path.append(model.weight.data.ravel().copy())
    return costs, np.array(path)


def gd_path(data, labels, lr, steps, start=(-2.5, -2.5)):
    """Gradient descent on the 2-parameter model from ``start``: (weights per step, costs)."""
    model = nn.Linear(2, 1, bias=False)
    with ag.no_grad():
        model.weight.copy_(np.array([start], dtype=np.float32))
    costs, path = descend(model, data, labels, lr, steps)
    return path, costs


def best_lr(data, labels, steps, lrs):
    """The learning rate of ``lrs`` whose run ends lowest without ever raising the cost."""
    best = None
    for lr in lrs:
        path, costs = gd_path(data, labels, lr, steps)
        if np.all(np.isfinite(costs)) and np.all(np.diff(costs) <= 1e-7):
            if best is None or costs[-1] < best[2][-1]:
                best = (lr, path, costs)
    return best


w = np.linspace(-3, 3, 241)
W1, W2 = np.meshgrid(w, w)
LRS = [10.0 ** k for k in np.arange(-5, 1.01, 0.5)]
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
surfaces = {}
for ax, data, title in ((axes[0], X_train, "raw (feature 1 ×100)"),
                        (axes[1], Z_train, "standardized")):
    J = cost_grid(data.astype(np.float64), y_train, W1, W2)
    lr, path, costs = best_lr(data, y_train, 40, LRS)
    surfaces[title] = (lr, costs)
    ax.contour(W1, W2, J, levels=np.quantile(J, np.linspace(0.002, 0.6, 14)), cmap="viridis")
    ax.plot(path[:, 0], path[:, 1], "r.-", ms=4, lw=1)
    ax.plot(*path[-1], "r*", ms=12)
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title(f"{title}: J(w₁, w₂), GD path at α = {lr:.3g}", fontsize=10)
fig.tight_layout()
plt.show()
for title, (lr, costs) in surfaces.items():
    print(f"{title:<22} best α {lr:9.3g}   cost after 1 / 10 / 40 steps: "
          f"{costs[0]:.4f} / {costs[9]:.4f} / {costs[-1]:.4f}")

# %% [markdown]
# ## Convergence: full logistic regression with and without standardization
#
# The same comparison with the bias included (`nn.Linear(2, 1)`, weights and bias starting at
# 0, §5), 300 steps of batch gradient descent. Each case gets its own best learning rate from
# the grid 1e-5 … 10 (half-decades), chosen by the final training cost among the *stable* runs
# (the cost never went up); the curves show every stable rate, the best one bold.

# %%
def train_logreg(data, labels, lr, steps=300):
    model = nn.Linear(2, 1)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    costs, _ = descend(model, data, labels, lr, steps)
    return model, costs


GRID = [10.0 ** k for k in np.arange(-5, 1.01, 0.5)]
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
best = {}
start = time.perf_counter()
for ax, (name, data) in zip(axes, (("raw", X_train), ("standardized", Z_train))):
    finals = {}
    for lr in GRID:
        with np.errstate(over="ignore"):
            model, costs = train_logreg(data, y_train, lr)
        if np.all(np.isfinite(costs)) and np.all(np.diff(costs) <= 1e-7):
            finals[lr] = costs[-1]
            ax.plot(costs, lw=0.8, alpha=0.6, label=f"α = {lr:.2g}")
    print(f"{name}: stable up to α = {max(finals):.3g}; unstable (not drawn): "
          f"{[f'{lr:.2g}' for lr in GRID if lr not in finals]}")
    lr_best = min(finals, key=finals.get)
    model, costs = train_logreg(data, y_train, lr_best)
    best[name] = (lr_best, model, costs)
    ax.plot(costs, "k", lw=2.5, label=f"best α = {lr_best:.2g}")
    ax.set_title(f"{name} inputs")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylim(0.4, 0.75)
    ax.grid(alpha=0.3)
axes[0].set_ylabel("training cost J")
for ax in axes:
    ax.legend(fontsize=7, ncol=2)
fig.tight_layout()
plt.show()
print(f"{2 * len(GRID) + 2} runs in {time.perf_counter() - start:.1f} s")
for name, (lr, _, costs) in best.items():
    reach = next((i + 1 for i, c in enumerate(costs) if c <= best["standardized"][2][-1] + 0.01),
                 None)
    print(f"{name:<13} best α {lr:8.3g}: cost after 10 / 100 / 300 steps "
          f"{costs[9]:.4f} / {costs[99]:.4f} / {costs[-1]:.4f}; within 0.01 of the "
          f"standardized final cost after {reach if reach else 'more than 300'} steps")

# %% [markdown]
# ## Dev and test use the training statistics
#
# `nn.data.Standardizer` is fitted on the training set only; `transform` applies that μ and σ
# to anything else. The model trained on standardized training data is a function of
# standardized inputs, so dev and test must pass through the *same* map: then the standardized
# dev/test features are close to, but not exactly, mean 0 and std 1 — that difference is real
# information about the new data, not something to remove.

# %%
model = best["standardized"][1]


def error(x_std, labels):
    logits = nn.predict(model, x_std.astype(np.float32))[:, 0]
    return 1.0 - nn.metrics.accuracy(labels, logits, threshold=0.0)


for name, Z in (("dev", Z_dev), ("test", Z_test)):
    print(f"{name}: mean {Z.mean(axis=0).round(3)}, std {Z.std(axis=0).round(3)}; "
          f"error {error(Z, y_dev if name == 'dev' else y_test):.1%}")
print(f"train error {error(Z_train, y_train):.1%}")

# %% [markdown]
# ### The pitfalls, numerically
#
# **1. Fitting the statistics on all the data** (train + dev + test) before splitting: μ and σ
# now depend on the dev and test examples, so the dev/test numbers are no longer an estimate
# for unseen data (leakage). The statistics move, and so does every standardized input.
#
# **2. Standardizing dev/test with their own statistics.** Each set is then mapped by a
# different function than the one the model learned on. The damage is largest exactly when
# the new data differ from the training data — a batch of only one class, a single example, a
# drifting sensor — because re-standardizing erases that difference.

# %%
leaky = nn.data.Standardizer().fit(np.concatenate([X_train, X_dev, X_test]))
print("μ (train only):", scaler.mean_.round(3), "  μ (all data, leaky):", leaky.mean_.round(3))
print("σ (train only):", np.sqrt(scaler.var_).round(3), "  σ (all data, leaky):",
      np.sqrt(leaky.var_).round(3))
diff = np.abs(leaky.transform(X_test) - scaler.transform(X_test)).max()
print(f"largest change of a standardized test feature caused by the leak: {diff:.3f}\n")

own = nn.data.Standardizer().fit(X_dev).transform(X_dev)
print(f"dev with train statistics: error {error(Z_dev, y_dev):.1%};  "
      f"dev with its own statistics: error {error(own, y_dev):.1%}")

ones = X_dev[y_dev == 1]
print(f"a dev batch of class-1 examples only ({len(ones)}): error with train statistics "
      f"{error(scaler.transform(ones), y_dev[y_dev == 1]):.1%}, with its own statistics "
      f"{error(nn.data.Standardizer().fit(ones).transform(ones), y_dev[y_dev == 1]):.1%}")

single = X_dev[:1]
self_std = nn.data.Standardizer().fit(single).transform(single)
print(f"one example {single[0].round(2)}: with train statistics → "
      f"{scaler.transform(single)[0].round(3)}, with its own → {self_std[0]} "
      f"(every single example becomes the same input)")

# %% [markdown]
# ## Conclusions
#
# From the runs above:
#
# - With feature 1 ×100 the cost contours of the 2-parameter model are long thin ellipses
#   squeezed along w₁; after standardization they are much rounder. On the raw surface the
#   largest usable rate (α = 0.001) lets gradient descent fix w₁ but leaves w₂ where it started
#   after 40 steps; on the standardized one α = 10 works and the minimum is reached in about 10
#   steps.
# - For the full logistic regression, raw inputs are stable only up to α ≈ 3e-4 (the ×100
#   feature sets the limit), and at that rate the other feature and the bias barely learn: the
#   cost is still 0.675 after 300 steps. Standardized inputs are stable for every rate tried up
#   to 10; at the rate with the lowest final cost (α = 0.316) they come within 0.01 of the
#   minimum cost 0.463 after 38 steps — the notes' "almost never
#   hurts" (S2 L1010), here a large win.
# - `nn.data.Standardizer` fitted on the training set maps dev and test with the training μ
#   and σ; their features come out near, not at, mean 0 and std 1 (means up to 0.16, stds
#   0.89-1.07 here).
# - The pitfalls, in numbers: fitting on all the data moves μ₁ from 97.8 to 101.7 and changes
#   standardized test values by up to 0.14 — dev/test information leaking into the inputs.
#   Standardizing the whole dev set with its own statistics changed little here (19% → 20%
#   error: it resembles the training set), but a dev batch of class-1 examples only goes from
#   25.5% to 47.1% error once re-centred on itself, and a single example becomes the zero
#   vector whatever it was.

# %%
print(f"notebook ran in {time.perf_counter() - NOTEBOOK_START:.1f} s")
