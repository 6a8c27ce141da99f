"""Synthetic classification data, seeded: the course's planar "flower" and friends.

Every generator returns ``(X, y)``: ``X`` of shape ``(n_samples, n_features)`` in the default
float dtype, ``y`` of shape ``(n_samples,)`` int64 class labels, examples in class order
(shuffle with ``nn.data.train_dev_test_split`` or a ``DataLoader``). ``rng`` is an int
seed, a ``numpy.random.Generator``, or None for autograd's global generator
(``ag.manual_seed``).
"""

from __future__ import annotations

import itertools

import numpy as np

import autograd as ag
from nn.data._common import Seed, make_rng


def _check_positive(value: int, name: str, func: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_noise(noise: float, func: str) -> float:
    if not (isinstance(noise, int | float) and noise >= 0):
        raise ValueError(f"{func}: noise must be a non-negative number, got {noise!r}")
    return float(noise)


def _split_counts(n: int, k: int) -> list[int]:
    """``n`` examples over ``k`` classes as evenly as possible (the first get the extras)."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _finish(X: np.ndarray, counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    y = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return X.astype(ag.get_default_dtype()), y


def make_flower(n_samples: int = 400, petals: int = 4, radius: float = 4.0,
                noise: float = 0.2, rng: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": 2 classes of points on the petals of a rose curve.

    Not linearly separable, so logistic regression fails on it and a one-hidden-layer network
    (4 tanh units, §15.1) succeeds. Class j's points have angle ``t`` spread over
    ``[jπ, (j+1)π]`` (plus ``N(0, noise²)``) and radius ``r = radius·sin(petals·t)``
    (plus noise), at ``(r sin t, r cos t)``: the two classes take alternate petals.
    ``n_samples=400`` (200 per class) is the notes' m.
    """
    func = "make_flower"
    n = _check_positive(n_samples, "n_samples", func, 2)
    _check_positive(petals, "petals", func)
    noise = _check_noise(noise, func)
    g = make_rng(rng, func)
    counts = _split_counts(n, 2)
    parts = []
    for j, m in enumerate(counts):
        t = np.linspace(j * np.pi, (j + 1) * np.pi, m) + g.normal(0.0, noise, m)
        r = radius * np.sin(petals * t) + g.normal(0.0, noise, m)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    return _finish(np.concatenate(parts), counts)


def make_moons(n_samples: int = 100, noise: float = 0.0,
               rng: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles: class 0 on the upper unit half circle centred at (0, 0),
    class 1 on the lower one centred at (1, 0.5); Gaussian ``noise`` (std) added to both
    coordinates."""
    func = "make_moons"
    n = _check_positive(n_samples, "n_samples", func, 2)
    noise = _check_noise(noise, func)
    g = make_rng(rng, func)
    counts = _split_counts(n, 2)
    a = np.linspace(0.0, np.pi, counts[0])
    b = np.linspace(0.0, np.pi, counts[1])
    X = np.concatenate([np.column_stack([np.cos(a), np.sin(a)]),
                        np.column_stack([1.0 - np.cos(b), 0.5 - np.sin(b)])])
    return _finish(X + g.normal(0.0, noise, X.shape), counts)


def make_circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.5,
                 rng: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (in (0, 1)),
    points evenly spaced in angle, plus Gaussian ``noise``."""
    func = "make_circles"
    n = _check_positive(n_samples, "n_samples", func, 2)
    noise = _check_noise(noise, func)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"{func}: factor (inner radius) must be in (0, 1), got {factor!r}")
    g = make_rng(rng, func)
    counts = _split_counts(n, 2)
    parts = []
    for radius, m in zip((1.0, factor), counts):
        t = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    X = np.concatenate(parts)
    return _finish(X + g.normal(0.0, noise, X.shape), counts)


def make_spirals(n_samples: int = 300, n_classes: int = 3, turns: float = 1.0,
                 noise: float = 0.2, rng: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms from the origin to radius 1: class k's points have
    radius ``r`` from 0 to 1 and angle ``2π(turns·r + k/K)`` plus ``N(0, noise²)`` — a
    classic problem a linear softmax classifier cannot solve (§12)."""
    func = "make_spirals"
    n = _check_positive(n_samples, "n_samples", func, 2)
    k = _check_positive(n_classes, "n_classes", func, 2)
    noise = _check_noise(noise, func)
    g = make_rng(rng, func)
    counts = _split_counts(n, k)
    parts = []
    for c, m in enumerate(counts):
        r = np.linspace(0.0, 1.0, m)
        t = 2 * np.pi * (turns * r + c / k) + g.normal(0.0, noise, m)
        parts.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
    return _finish(np.concatenate(parts), counts)


def make_blobs(n_samples: int = 100, centers: int | np.ndarray = 3, n_features: int = 2,
               cluster_std: float = 1.0, center_box: tuple[float, float] = (-10.0, 10.0),
               rng: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs, one class per centre: ``x ~ N(c_k, cluster_std² I)``.

    ``centers`` is a number of centres (drawn uniformly in ``center_box`` per coordinate) or an
    array ``(K, n_features)`` of them. The course's softmax demo uses 4 blobs in 2-D (§12).
    """
    func = "make_blobs"
    n = _check_positive(n_samples, "n_samples", func)
    if not (isinstance(cluster_std, int | float) and cluster_std >= 0):
        raise ValueError(f"{func}: cluster_std must be non-negative, got {cluster_std!r}")
    g = make_rng(rng, func)
    if isinstance(centers, int | np.integer) and not isinstance(centers, bool):
        k = _check_positive(centers, "centers", func)
        d = _check_positive(n_features, "n_features", func)
        c = g.uniform(center_box[0], center_box[1], size=(k, d))
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2 or c.shape[0] < 1:
            raise ValueError(f"{func}: centers must be a count or an array (K, n_features), "
                             f"got shape {c.shape}")
    counts = _split_counts(n, c.shape[0])
    X = np.concatenate([g.normal(c[i], cluster_std, size=(m, c.shape[1]))
                        for i, m in enumerate(counts)])
    return _finish(X, counts)


def make_classification(n_samples: int = 100, n_features: int = 20, n_informative: int = 2,
                        n_redundant: int = 2, n_classes: int = 2,
                        n_clusters_per_class: int = 1, class_sep: float = 1.0,
                        flip_y: float = 0.0, rng: Seed = None,
                        random_state: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """A linear-ish classification problem like scikit-learn's (the course's logistic
    regression demo, §17.4, uses ``n_features=2, n_informative=2, n_redundant=0``).

    Features, in order:

    - ``n_informative``: each class is ``n_clusters_per_class`` Gaussian clusters
      ``N(v, I)`` centred on distinct vertices ``v`` of the hypercube ``[-class_sep,
      class_sep]^n_informative``;
    - ``n_redundant``: random linear combinations of the informative ones;
    - the rest: ``N(0, 1)`` noise carrying no information.

    ``flip_y`` is the fraction of labels replaced by random classes (label noise).
    ``random_state`` is scikit-learn's name for ``rng``; give at most one.
    """
    func = "make_classification"
    n = _check_positive(n_samples, "n_samples", func)
    d = _check_positive(n_features, "n_features", func)
    n_inf = _check_positive(n_informative, "n_informative", func)
    n_red = _check_positive(n_redundant, "n_redundant", func, 0)
    k = _check_positive(n_classes, "n_classes", func, 2)
    per = _check_positive(n_clusters_per_class, "n_clusters_per_class", func)
    if n_inf + n_red > d:
        raise ValueError(f"{func}: n_informative + n_redundant = {n_inf + n_red} exceeds "
                         f"n_features = {d}")
    if k * per > 2 ** n_inf:
        raise ValueError(f"{func}: n_classes * n_clusters_per_class = {k * per} needs more "
                         f"hypercube vertices than 2**n_informative = {2 ** n_inf}; raise "
                         "n_informative")
    if not 0.0 <= flip_y <= 1.0:
        raise ValueError(f"{func}: flip_y must be a fraction in [0, 1], got {flip_y!r}")
    if rng is not None and random_state is not None:
        raise ValueError(f"{func}: give rng or random_state, not both")
    g = make_rng(rng if rng is not None else random_state, func)
    # Distinct vertices, picked at random among the first few (avoids enumerating 2**n_inf).
    pool = list(itertools.islice(itertools.product((-1.0, 1.0), repeat=n_inf),
                                 max(k * per, min(2 ** n_inf, 64))))
    vertices = np.array(pool)[g.permutation(len(pool))[:k * per]] * class_sep
    counts = _split_counts(n, k)
    informative = []
    for c, m in enumerate(counts):
        cluster = g.integers(0, per, size=m)  # which of the class's clusters each point is in
        informative.append(vertices[c * per + cluster] + g.normal(size=(m, n_inf)))
    Xi = np.concatenate(informative)
    Xr = Xi @ g.uniform(-1.0, 1.0, size=(n_inf, n_red))
    Xn = g.normal(size=(n, d - n_inf - n_red))
    X, y = _finish(np.concatenate([Xi, Xr, Xn], axis=1), counts)
    flip = g.random(n) < flip_y
    y[flip] = g.integers(0, k, size=int(flip.sum()))
    return X, y
