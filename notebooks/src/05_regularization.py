# %% [markdown]
# # 05 · Regularization: L2, inverted dropout and early stopping
#
# A network much bigger than its training set fits the training examples perfectly and the dev
# set badly: **high variance** (course notes S0 L91-152, seed inventory §13.1). The notes'
# basic recipe for it is more data or regularization. This notebook overfits on purpose, then
# applies the three regularizers of the course (seed inventory §6) and diagnoses each run with
# `nn.metrics.diagnose` from its train and dev error:
#
# 1. **L2** (S0 L155-233): a λ sweep {0, 0.01, 0.1, 1.0} (the exercise of S4 L2540), with the
#    weight norms shrinking;
# 2. **inverted dropout** with keep_prob 0.8 (`nn.Dropout(p=0.2)`, S0 L351-385);
# 3. **early stopping** with patience 10 (S4 L1781), keeping the best dev-loss parameters.

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
from nn import functional as F

NOTEBOOK_START = time.perf_counter()

# %% [markdown]
# ## Data: few, noisy examples
#
# `make_moons` with noise std 0.4: 40 training examples and 240 dev examples, stratified.
# The classes overlap, so even the best possible classifier errs. That **Bayes error** is the
# `base_error` of the bias/variance diagnosis (the notes approximate it by human-level error,
# S0 L91-96); for this generator it can be computed: each class is a half circle plus
# N(0, 0.4²) noise, so `p(x | class)` is the noise density averaged over the half circle, and
# the best classifier picks the larger one. Its error on 20 000 fresh points estimates the
# Bayes error.

# %%
NOISE = 0.4
X, y = nn.datasets.make_moons(n_samples=280, noise=NOISE, rng=0)
(X_train, y_train), (X_dev, y_dev) = nn.data.train_dev_test_split(
    X, y, ratios=(40 / 280, 240 / 280), seed=0, stratify=True)
m = len(X_train)
print(f"train {X_train.shape}, dev {X_dev.shape}")

t = np.linspace(0.0, np.pi, 400)
CENTRES = (np.column_stack([np.cos(t), np.sin(t)]),                 # class 0's half circle
           np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]))     # class 1's


def bayes_posterior(x):
    """P(class 1 | x) for make_moons' generator: Gaussian noise around each half circle."""
    dens = [np.exp(-((x[:, None, :] - c[None]) ** 2).sum(-1) / (2 * NOISE ** 2)).mean(1)
            for c in CENTRES]
    return dens[1] / (dens[0] + dens[1])


X_big, y_big = nn.datasets.make_moons(n_samples=20_000, noise=NOISE, rng=123)
BAYES_ERROR = float(np.mean((bayes_posterior(X_big.astype(np.float64)) > 0.5) != y_big))
print(f"Bayes error (base error) ≈ {BAYES_ERROR:.1%}")

# %% [markdown]
# ## The overfitting network and the training loop
#
# 2 → 64 → 64 → 1 with ReLU (He initialization, notebook 04): 4 417 parameters for 40
# examples. Each run is `nn.fit` with Adam (α = 0.01) for 300 full-batch epochs; `fit` records
# the training and dev cost and, through `metrics`, the classification error on both sets.
# The error of an output logit `z` is `ŷ = [z > 0]` compared with `y`.

# %%
loss_fn = nn.BCEWithLogitsLoss()
train_loader = nn.data.DataLoader(X_train, y_train[:, None].astype(np.float32), batch_size=m)
dev_loader = nn.data.DataLoader(X_dev, y_dev[:, None].astype(np.float32),
                                batch_size=len(X_dev))
METRICS = {"error": lambda y_true, logits: 1.0 - nn.metrics.accuracy(
    y_true.ravel(), logits.ravel(), threshold=0.0)}
EPOCHS = 300


def mlp(dropout=0.0):
    layers, n_in = [], 2
    for width in (64, 64):
        layers += [nn.Linear(n_in, width), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(p=dropout))
        n_in = width
    model = nn.Sequential(*layers, nn.Linear(n_in, 1))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.he_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def weight_norm2(model):
    """Σ_l ‖W^[l]‖²_F over the weight matrices (what L2 penalizes)."""
    return sum(float((p.data ** 2).sum()) for p in model.parameters() if p.ndim >= 2)


def run(name, dropout=0.0, lambd=0.0, callbacks=()):
    ag.manual_seed(0)
    model = mlp(dropout)
    penalty = (lambda: F.l2_penalty(model.parameters(), lambd, m)) if lambd else None
    history = nn.fit(model, loss_fn, optim.Adam(model.parameters(), lr=0.01), train_loader,
                     epochs=EPOCHS, dev_loader=dev_loader, metrics=METRICS, penalty=penalty,
                     callbacks=callbacks, progress=False)
    # The errors of the model as it ends (restored to its best epoch by early stopping).
    train_err = nn.evaluate(model, None, train_loader, METRICS)["error"]
    dev_err = nn.evaluate(model, None, dev_loader, METRICS)["error"]
    runs[name] = dict(model=model, history=history, train=train_err, dev=dev_err,
                      w2=weight_norm2(model),
                      diagnosis=nn.metrics.diagnose(train_err, dev_err, base_error=BAYES_ERROR))
    return runs[name]


runs = {}
base = run("no regularization")
print(base["diagnosis"])

# %%
lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
grid = np.column_stack([xx.ravel(), yy.ravel()])
bayes_grid = bayes_posterior(grid).reshape(xx.shape)


def plot_boundary(ax, name):
    r = runs[name]
    z = nn.predict(r["model"], grid.astype(np.float32))[:, 0].reshape(xx.shape)
    ax.contourf(xx, yy, z > 0, alpha=0.3, cmap="coolwarm")
    ax.contour(xx, yy, bayes_grid, levels=[0.5], colors="k", linestyles="dashed",
               linewidths=1)
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="coolwarm", s=25,
               edgecolors="k", linewidths=0.6)
    ax.set_title(f"{name}\ntrain err {r['train']:.1%}, dev err {r['dev']:.1%}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(1, 2, figsize=(11, 4))
plot_boundary(axes[0], "no regularization")
h = base["history"]
axes[1].plot(h["epoch"], h["train_error"], label="train error")
axes[1].plot(h["epoch"], h["dev_error"], label="dev error")
axes[1].axhline(BAYES_ERROR, color="k", ls=":", label="Bayes error")
axes[1].set_xlabel("epoch")
axes[1].legend()
axes[1].grid(alpha=0.3)
fig.suptitle("No regularization: boundary (dashed: the Bayes boundary) and errors")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## L2 regularization: a λ sweep
#
# The regularized cost adds the squared Frobenius norms of the weight matrices, not the
# biases (S0 L191-207, seed inventory §4, §6.1):
#
# $$J = \frac1m\sum_{i=1}^m \mathcal L(\hat y^{(i)}, y^{(i)})
#       + \frac{\lambda}{2m}\sum_{l}\lVert W^{[l]}\rVert_F^2,\qquad
#   dW^{[l]} = (\text{from backprop}) + \frac{\lambda}{m}W^{[l]}$$
#
# so every step shrinks `W` by the factor `1 − αλ/m` ("weight decay", S0 L222-233).
# `nn.functional.l2_penalty(params, lambd, m)` is the second term, passed to `nn.fit` as
# `penalty=`. Its gradient is the course's `(λ/m)·W`, and it leaves the biases alone:

# %%
ag.manual_seed(0)
probe = mlp()
F.l2_penalty(probe.parameters(), 0.7, m).backward()
W = probe[2].weight
print("gradient == (λ/m)·W:", np.allclose(W.grad.data, 0.7 / m * W.data),
      "| bias gradient:", probe[2].bias.grad)

# %%
for lambd in (0.01, 0.1, 1.0):
    run(f"L2 λ={lambd}", lambd=lambd)
sweep = ["no regularization", "L2 λ=0.01", "L2 λ=0.1", "L2 λ=1.0"]
print(f"{'run':<18} {'Σ‖W‖²':>8} {'train err':>9} {'dev err':>8} {'dev cost':>8}")
for name in sweep:
    r = runs[name]
    print(f"{name:<18} {r['w2']:>8.1f} {r['train']:>9.1%} {r['dev']:>8.1%} "
          f"{r['history']['dev_loss'][-1]:>8.3f}")

# %%
fig, axes = plt.subplots(1, 5, figsize=(18, 3.8))
for ax, name in zip(axes, sweep):
    plot_boundary(ax, name)
lambdas = [0, 0.01, 0.1, 1.0]
axes[4].bar([str(lam) for lam in lambdas], [runs[n]["w2"] for n in sweep], color="tab:gray")
axes[4].set_yscale("log")
axes[4].set_xlabel("λ")
axes[4].set_title("Σ_l ‖W^[l]‖²_F after training", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Inverted dropout
#
# For a layer's activations `a` and keep_prob 0.8 (S0 L351-375):
# `d = rand(a.shape) < keep_prob; a = a * d / keep_prob`. Dividing by keep_prob keeps the
# expected value: `E[a·d/0.8] = a·0.8/0.8 = a`, so the next layer's `z` keeps its scale. At test
# time there is no dropout and no scaling (S0 L379-385). `nn.Dropout(p)` is PyTorch's layer,
# with `p = 1 − keep_prob` the probability of dropping; `model.eval()` turns it into the
# identity. graphgrad draws `d` with the same distribution from a faster generator (SplitMix64,
# seeded by one draw of the generator `ag.manual_seed` sets; `F.keep_mask(shape, keep_prob)`
# gives the mask alone), so it is reproducible from the seed but is not the mask
# `np.random.rand` would give. On 50 units, the notes expect about 10 dropped and 40 kept:

# %%
ag.manual_seed(0)
dropout = nn.Dropout(p=0.2)
a = ag.ones(10_000, 50)
out = dropout(a).numpy()
print(f"train mode: kept fraction {np.mean(out != 0):.4f}, mean of a·d/0.8 {out.mean():.4f} "
      f"(E[a] = 1), kept values {np.unique(out[out != 0])}")
print(f"units dropped per row of 50: mean {np.mean((out == 0).sum(axis=1)):.2f}, "
      f"first rows {(out[:5] == 0).sum(axis=1)}")
dropout.eval()
print("eval mode is the identity:", np.array_equal(dropout(a).numpy(), a.numpy()))

# %% [markdown]
# The network of the first run with `nn.Dropout(p=0.2)` after each hidden ReLU. `fit` trains
# in train mode (a new mask every step) and evaluates in eval mode. The notes warn that with
# dropout the cost `J` is no longer well defined (S0 L403): the training cost below is that of
# the thinned networks, noisier than without dropout.

# %%
drop = run("dropout keep_prob 0.8", dropout=0.2)
print(drop["diagnosis"])

# %% [markdown]
# ## Early stopping
#
# Watch the dev cost while training and keep the parameters where it was lowest (S0 L435-478):
# `nn.EarlyStopping(patience=10, restore_best=True)` stops after 10 epochs without a new best
# dev cost — the notes' "10 consecutive checks" (S4 L1781) — and loads the best parameters back.

# %%
stopper = nn.EarlyStopping(monitor="dev_loss", patience=10, restore_best=True)
early = run("early stopping", callbacks=[stopper])
print(early["history"].stop_reason)
print(f"trained {len(early['history'])} of {EPOCHS} epochs; parameters restored from epoch "
      f"{stopper.best_epoch}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for name in ("no regularization", "L2 λ=1.0", "dropout keep_prob 0.8", "early stopping"):
    h = runs[name]["history"]
    line, = axes[0].plot(h["epoch"], h["train_loss"], lw=1, alpha=0.8,
                         label=f"{name} (train)")
    axes[0].plot(h["epoch"], h["dev_loss"], "--", color=line.get_color(), lw=1.5,
                 label=f"{name} (dev)")
    axes[1].plot(h["epoch"], h["dev_error"], color=line.get_color(), label=name)
axes[0].axvline(stopper.best_epoch, color="k", ls=":", lw=1)
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("cost (train: with the L2 term)")
axes[0].legend(fontsize=7)
axes[1].axhline(BAYES_ERROR, color="k", ls=":", label="Bayes error")
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("dev error")
axes[1].legend(fontsize=7)
for ax in axes:
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Summary: train vs dev error and the bias/variance diagnosis
#
# `nn.metrics.diagnose(train_error, dev_error, base_error)` applies the notes' rule with a
# 5-point tolerance: avoidable bias = train − base, variance = dev − train (S0 L91-107).
# The base error is the Bayes error estimated above.

# %%
print(f"base (Bayes) error {BAYES_ERROR:.1%}\n")
print(f"{'run':<22} {'train':>6} {'dev':>6} {'bias':>6} {'var.':>6}  diagnosis")
for name, r in runs.items():
    d = r["diagnosis"]
    print(f"{name:<22} {d.train_error:>6.1%} {d.dev_error:>6.1%} {d.avoidable_bias:>6.1%} "
          f"{d.variance:>6.1%}  {d.summary.split(':')[0]}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, name in zip(axes, ["no regularization", "dropout keep_prob 0.8", "early stopping"]):
    plot_boundary(ax, name)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Conclusions
#
# What these runs show (40 noisy training points, so one training point is 2.5% and one dev
# point 0.4%; the Bayes error of this data is about 13.8%):
#
# - **Without regularization** the network fits all 40 training points (train error 0%) with a
#   boundary that bends around individual points, and its dev error (17.5%) is well above the
#   Bayes error: high variance. Its avoidable bias is *negative* — a training error below the
#   Bayes error means the network has learned the noise.
# - **L2**: as λ grows from 0 to 1 the sum of squared weights falls from about 734 to about 12
#   (table above) and the boundary becomes smoother, closer to the dashed Bayes boundary.
#   λ = 0.01 shrinks the weights but still fits every training point, with no better dev
#   error; λ = 0.1 gives up two training points; λ = 1.0 has the lowest dev error (14.2%) and
#   dev cost of the sweep, and its train-dev gap (4.2 points) is within the 5-point tolerance:
#   `diagnose` calls it a good fit.
# - **Dropout** (keep_prob 0.8) keeps `E[a]` (mean 0.9988 above, about 10 of 50 units dropped)
#   and is the identity in eval mode. Here it lowers the dev error from 17.5% to 15.0% and
#   leaves one training point misclassified, but the gap is still 12.5 points: by the notes'
#   rule still high variance — a stronger dropout or more data would be the next knob.
# - **Early stopping** (the unregularized run with the same seed, cut short) stopped after 41
#   epochs and restored the parameters of epoch 31, the lowest dev cost — the curves show the
#   unregularized dev cost climbing from there on — before the network had bent its boundary
#   around the training points. It has the lowest dev error of all runs (13.3%, at the Bayes
#   error within the noise of 240 dev points): one run instead of a sweep, but it couples
#   "fit the training set" and "do not overfit" in one knob (S0 L465-478).
# - The exact numbers depend on the seed and the small data; the pattern is the notes': each
#   regularizer trades training error for a smaller gap between train and dev.

# %%
print(f"notebook ran in {time.perf_counter() - NOTEBOOK_START:.1f} s")
