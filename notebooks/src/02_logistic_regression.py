# %% [markdown]
# # 02 · Logistic regression on the breast-cancer data
#
# Logistic regression is one neuron with a sigmoid (S4 L184-200):
#
# $$z = w^\top x + b,\qquad a = \sigma(z) = \frac{1}{1+e^{-z}} = P(y=1\mid x),$$
#
# trained by minimizing the binary cross-entropy cost (S4 L43):
#
# $$J(w,b) = -\frac{1}{m}\sum_{i=1}^{m}\Big[y^{(i)}\log a^{(i)} + (1-y^{(i)})\log(1-a^{(i)})\Big].$$
#
# Its gradient has the famous simple form $dZ = A - Y$, $dw = \frac1m X\,dZ^\top$,
# $db = \frac1m\sum dZ$ (S4 L52-54).
#
# This notebook fits it twice on the Wisconsin breast-cancer table (569 tumours × 30 features):
# first **from the engine's primitives** (two tensors, the cost written out, gradient descent by
# hand), then **with `nn`** (`nn.Linear`, `nn.BCEWithLogitsLoss`, `optim.SGD`). Both reach the same
# result. Then we evaluate with precision, recall, F1, ROC-AUC and a confusion matrix (§13.2),
# and check the course's $dZ = A - Y$ against autograd.
#
# **Layout.** The course stores examples as columns, $X$ is $(n_x, m)$ and $Z = w^\top X + b$ is
# $(1, m)$. graphgrad is batch first, as PyTorch: `x` is $(m, n_x)$ and the same computation is
# `z = x @ w + b`, shape $(m, 1)$: the transpose of the course's $Z$.

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

_ = ag.manual_seed(0)

# %% [markdown]
# ## The data
#
# The bundled table labels 0 = malignant, 1 = benign. We want the *positive* class to be the
# one we are looking for, so we predict $y = 1$ for **malignant**. A stratified 60/20/20
# train/dev/test split (the course's small-data ratios, S0 L41), then standardization with the
# **training** mean and variance only, applied unchanged to dev and test (§7.2): the features
# range from about $10^{-3}$ to $10^{3}$.

# %%
bundle = nn.datasets.load_breast_cancer()
X, target = bundle
y = (target == 0).astype(np.float64)  # 1 = malignant
print(bundle)
print(f"malignant: {int(y.sum())} of {len(y)}")
print("feature scales (std) from", f"{X.std(axis=0).min():.4f} to {X.std(axis=0).max():.1f}")

(X_train, y_train), (X_dev, y_dev), (X_test, y_test) = nn.data.train_dev_test_split(
    X, y, ratios=(0.6, 0.2, 0.2), seed=0, stratify=True)
scaler = nn.data.Standardizer().fit(X_train)
X_train, X_dev, X_test = (scaler.transform(a) for a in (X_train, X_dev, X_test))
print(f"train {X_train.shape}, dev {X_dev.shape}, test {X_test.shape}")
print(f"train means ≈ 0: max |μ| = {np.abs(X_train.mean(axis=0)).max():.1e}; "
      f"dev means (train statistics): max |μ| = {np.abs(X_dev.mean(axis=0)).max():.2f}")

# %% [markdown]
# ## 1. From the engine's primitives
#
# Two tensors, $w$ $(30, 1)$ and $b$ $(1,)$, initialized to zeros (fine for logistic regression:
# there is no hidden layer whose units could stay symmetric). Each step writes the forward pass
# and the course's cost; `backward()` fills `w.grad` and `b.grad`; the update
# $w := w - \alpha\,dw$ runs under `ag.no_grad()` so that it is not recorded in the graph.
#
# One practical detail: the data are nearly separable, so some $a^{(i)}$ round to exactly 1.0
# and $\log(1-a)$ becomes $-\infty$. The notes' code clips $A$ to $[10^{-15}, 1-10^{-15}]$
# (S4, seed inventory §18); we do the same, in float64 where $1-10^{-15}$ is representable.

# %%
f64 = np.float64
x_tr = ag.tensor(X_train.astype(f64))
y_tr = ag.tensor(y_train.reshape(-1, 1))
x_dv = ag.tensor(X_dev.astype(f64))
y_dv = ag.tensor(y_dev.reshape(-1, 1))


def course_cost(a, y_true):
    """J = -(1/m) Σ [y log a + (1 - y) log(1 - a)]  (S4 L43)."""
    m = y_true.shape[0]
    return -(1 / m) * (y_true * ag.log(a) + (1 - y_true) * ag.log(1 - a)).sum()


def forward(x, w, b):
    return ag.clip(ag.sigmoid(x @ w + b), 1e-15, 1 - 1e-15)


w = ag.zeros((30, 1), dtype=f64, requires_grad=True)
b = ag.zeros(1, dtype=f64, requires_grad=True)
lr, iterations = 0.1, 1000
costs_hand, dev_costs_hand = [], []
start = time.perf_counter()
for i in range(iterations):
    cost = course_cost(forward(x_tr, w, b), y_tr)
    w.grad = b.grad = None
    cost.backward()
    with ag.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        costs_hand.append(cost.item())
        dev_costs_hand.append(course_cost(forward(x_dv, w, b), y_dv).item())
    if i % 200 == 0 or i == iterations - 1:
        print(f"iteration {i:4d}: cost {cost.item():.5f}")
print(f"{iterations} iterations in {time.perf_counter() - start:.1f} s")

# %% [markdown]
# ## 2. The same model with `nn`
#
# `nn.Linear(30, 1)` holds the weight as $(1, 30)$, the course's $W^{[1]}$ shape (out, in), and
# computes `x @ W.T + b`. `nn.BCEWithLogitsLoss` takes the logits $z$ and computes the same cost
# in the stable form $\max(z,0) - z\,y + \log(1+e^{-|z|})$, so it needs no clipping. We start it
# from zeros too (in the default float32), so the two runs should follow the same path.

# %%
model = nn.Linear(30, 1)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
loss_fn = nn.BCEWithLogitsLoss()
opt = optim.SGD(model.parameters(), lr=lr)
xf_tr, yf_tr = ag.tensor(X_train), ag.tensor(y_train.reshape(-1, 1).astype(np.float32))
xf_dv, yf_dv = ag.tensor(X_dev), ag.tensor(y_dev.reshape(-1, 1).astype(np.float32))
costs_nn, dev_costs_nn = [], []
start = time.perf_counter()
for _ in range(iterations):
    opt.zero_grad()
    loss = loss_fn(model(xf_tr), yf_tr)
    loss.backward()
    opt.step()
    costs_nn.append(loss.item())
    with ag.no_grad():
        dev_costs_nn.append(loss_fn(model(xf_dv), yf_dv).item())
print(f"{iterations} iterations in {time.perf_counter() - start:.1f} s; final cost "
      f"{costs_nn[-1]:.5f} (by hand: {costs_hand[-1]:.5f})")
print("largest |w_nn − w_hand|:", np.abs(model.weight.data.T - w.data).max())

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(costs_hand, label="primitives: train", lw=2)
ax.plot(dev_costs_hand, label="primitives: dev", lw=2)
ax.plot(costs_nn, "--", label="nn: train", color="k", lw=1)
ax.plot(dev_costs_nn, ":", label="nn: dev", color="k", lw=1)
ax.set(xlabel="iteration", ylabel="cost J", yscale="log",
       title="logistic regression, gradient descent lr = 0.1")
ax.legend()
plt.show()

# %% [markdown]
# ## 3. Evaluation on the test set
#
# Predict malignant when $a \ge 0.5$. Precision $= TP/(TP+FP)$ (of the tumours flagged
# malignant, how many are), recall $= TP/(TP+FN)$ (of the malignant tumours, how many are
# found), $F_1 = 2PR/(P+R)$, and ROC-AUC, the threshold-free probability that a random malignant
# tumour scores higher than a random benign one (S4 L399-405).

# %%
with ag.no_grad():
    p_hand = ag.sigmoid(ag.tensor(X_test.astype(f64)) @ w + b).numpy().ravel()
    p_nn = ag.sigmoid(model(ag.tensor(X_test))).numpy().ravel()

M = nn.metrics
rows = []
for name, p in (("primitives", p_hand), ("nn", p_nn)):
    rows.append((name, M.accuracy(y_test, p), M.precision(y_test, p), M.recall(y_test, p),
                 M.f1_score(y_test, p), M.roc_auc_score(y_test, p)))
print(f"{'':12s}{'accuracy':>10s}{'precision':>11s}{'recall':>8s}{'F1':>8s}{'ROC-AUC':>9s}")
for name, *vals in rows:
    print(f"{name:12s}" + "".join(f"{v:>{k}.4f}" for v, k in zip(vals, (10, 11, 8, 8, 9))))
print("same predicted labels:", np.array_equal(p_hand >= 0.5, p_nn >= 0.5),
      f"(largest probability difference {np.abs(p_hand - p_nn).max():.1e})")

# %%
cm = M.confusion_matrix(y_test, p_nn, num_classes=2)
order = np.argsort(-p_nn)  # ROC curve: lower the threshold one example at a time
tpr = np.concatenate([[0], np.cumsum(y_test[order]) / y_test.sum()])
fpr = np.concatenate([[0], np.cumsum(1 - y_test[order]) / (1 - y_test).sum()])

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.imshow(cm, cmap="Blues")
for (i, j), count in np.ndenumerate(cm):
    ax1.text(j, i, count, ha="center", va="center", fontsize=14,
             color="white" if count > cm.max() / 2 else "black")
labels = ["benign (0)", "malignant (1)"]
ax1.set(xticks=[0, 1], yticks=[0, 1], xticklabels=labels, yticklabels=labels,
        xlabel="predicted", ylabel="true", title="confusion matrix (test, threshold 0.5)")
ax2.plot(fpr, tpr, lw=2, label=f"nn model, AUC = {M.roc_auc_score(y_test, p_nn):.4f}")
ax2.plot([0, 1], [0, 1], "k--", lw=0.8, label="chance")
ax2.set(xlabel="false positive rate", ylabel="true positive rate (recall)", title="ROC curve")
ax2.legend(loc="lower right")
plt.tight_layout()
plt.show()
tn, fp, fn, tp = cm.ravel()
print(f"TN={tn} FP={fp} FN={fn} TP={tp}")

# %% [markdown]
# ## 4. The course's $dZ = A - Y$, checked against autograd
#
# With the $\frac1m$ inside $J$, the gradient of the cost with respect to each $z^{(i)}$ is
# $\frac{1}{m}(a^{(i)} - y^{(i)})$: the course's $dZ = A - Y$ (S1 L452, S4 L52) before the
# averaging. Then $dw = \frac1m X\,dZ^\top$ is, in batch-first layout, `x.T @ (a - y) / m`, and
# $db = \frac1m\sum_i dZ^{(i)}$. We ask autograd for $\partial J/\partial z$ by keeping the
# gradient of the intermediate tensor `z` (`retain_grad()`).
#
# First with the course's cost written literally (no clipping), at two points: the zero start,
# and the trained parameters.

# %%
def autograd_dz(w_at, b_at, loss):
    """Autograd's dJ/dz, dJ/dw, dJ/db and the course's (A − Y)/m, X.T dZ/m, Σ dZ/m."""
    w_at = w_at.detach().requires_grad_()
    b_at = b_at.detach().requires_grad_()
    z = x_tr @ w_at + b_at
    z.retain_grad()
    loss(z, y_tr).backward()
    m = x_tr.shape[0]
    dZ = ag.sigmoid(z).data - y_tr.data
    return {"dJ/dz vs (A − Y)/m": (z.grad.data, dZ / m),
            "dw vs X.T @ dZ / m": (w_at.grad.data, x_tr.data.T @ dZ / m),
            "db vs Σ dZ / m": (b_at.grad.data, dZ.sum(axis=0) / m)}


def literal_cost(z, y_true):
    return course_cost(ag.sigmoid(z), y_true)


def report(checks):
    for name, (auto, course) in checks.items():
        print(f"  {name:22s} largest |difference| {np.abs(auto - course).max():.1e}, "
              f"NaN in autograd's: {int(np.isnan(auto).sum())}")


zero_w, zero_b = ag.zeros((30, 1), dtype=f64), ag.zeros(1, dtype=f64)
print("at w = 0, b = 0 (every a = 0.5):")
at_start = autograd_dz(zero_w, zero_b, literal_cost)
report(at_start)
with np.errstate(all="ignore"):
    print("at the trained w, b:")
    report(autograd_dz(w, b, literal_cost))
    with ag.no_grad():
        a_trained = ag.sigmoid(x_tr @ w + b).data
print("examples whose a rounds to exactly 1.0 in float64:", int((a_trained == 1.0).sum()))

# %% [markdown]
# At the start autograd agrees with the course's formulas to rounding error. At the trained
# parameters the literal cost breaks: for the examples whose $a$ rounds to 1.0, $\log(1-a)$ is
# $-\infty$, $0\cdot(-\infty)$ is NaN, and the NaN flows back through the graph. The
# mathematics is fine ($dZ = A - Y$ is small and finite there); the *floating-point graph* is not.
# That is why the notes clip $A$, and why `nn` fuses sigmoid and BCE into one op on the logits:
# `F.binary_cross_entropy_with_logits` backpropagates $(\sigma(z) - y)/m$ directly.

# %%
F = nn.functional
print("at the trained w, b, with F.binary_cross_entropy_with_logits:")
at_trained = autograd_dz(w, b, lambda z, t: F.binary_cross_entropy_with_logits(z, t))
report(at_trained)
for checks in (at_start, at_trained):
    for auto, course in checks.values():
        assert np.allclose(auto, course, rtol=1e-10, atol=1e-15)

# %% [markdown]
# ## Conclusions
#
# * Written from primitives (the course's cost, `backward()`, an update under `no_grad`) and
#   written with `nn.Linear` + `nn.BCEWithLogitsLoss` + `optim.SGD`, logistic regression follows
#   the same path from the same zero start: the cost curves overlap (final cost 0.07171 both)
#   and the weights agree to about $6\times10^{-7}$ (float32 vs float64). On the 114 test
#   tumours both give accuracy 0.9912, precision 1.0, recall 0.9767, F1 0.9882 and ROC-AUC
#   0.9990, with the same predicted label for every tumour.
# * The cost keeps falling on train and dev for all 1000 iterations, and the dev cost stays
#   below the train cost on this split: no sign of overfitting for this 31-parameter model.
#   The hand-written cost needed the course's clipping to stay finite once some predictions
#   saturate; the logits form of the loss did not.
# * The confusion matrix shows the one error: a malignant tumour predicted benign (a false
#   negative, the costly kind here), and no benign tumour flagged. The ROC curve reaches
#   recall 1.0 at a false-positive rate below 0.05, so a lower threshold would trade a few
#   false alarms for that missed case.
# * Autograd's $\partial J/\partial z$ is the course's $(A-Y)/m$, and its $dw$, $db$ are the
#   vectorized formulas of S4 L53-54, to rounding error, wherever the forward pass is finite.
#   Written literally, the cost of a trained model on nearly separable data is not: a
#   saturated sigmoid (one example here) turns the whole gradient into NaN. Clipping (the
#   notes) or the fused logits loss (`nn`) fixes it; the fused loss gives $A - Y$ to about
#   $10^{-17}$.
