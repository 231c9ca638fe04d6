"""Limited-memory BFGS for smooth convex objectives, in numpy.

Retraining minimises a weighted logistic loss plus an L2 pull (convex, smooth), so the plain
two-loop recursion with a backtracking (Armijo) line search is enough; it needs no SciPy, whose
own BLAS thread pool competed with numpy's on this 2-core machine and made each evaluation
twice as slow inside ``scipy.optimize.minimize`` as outside it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]

ARMIJO = 1e-4  # sufficient decrease: f(x + t d) <= f(x) + ARMIJO t g.d
MAX_HALVINGS = 30


@dataclass
class Result:
    x: np.ndarray
    loss: float
    iterations: int
    evaluations: int
    converged: bool


def minimize(
    objective: Objective,
    start: np.ndarray,
    max_iterations: int,
    memory: int = 20,
    rtol: float = 1e-9,
    gtol: float = 1e-5,
    callback: Callable[[np.ndarray], None] | None = None,
) -> Result:
    """Minimise ``objective`` (returning loss and gradient) from ``start``.

    Stops after ``max_iterations`` steps, when a step lowers the loss by less than ``rtol``
    of its size, or when no gradient component exceeds ``gtol``. ``callback(x)`` runs after
    every step (it may raise to stop the run)."""
    x = np.array(start, dtype=np.float64)
    loss, grad = objective(x)
    evaluations = 1
    steps: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=memory)
    for iteration in range(1, max_iterations + 1):
        if np.abs(grad).max() <= gtol:
            return Result(x, loss, iteration - 1, evaluations, True)
        direction = -_inverse_hessian_times(grad, steps)
        slope = float(grad @ direction)
        if slope >= 0:  # lost curvature information: start again from the gradient
            steps.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0 if steps else min(1.0, 1.0 / float(np.abs(grad).sum()))
        for _ in range(MAX_HALVINGS):
            candidate = x + step * direction
            new_loss, new_grad = objective(candidate)
            evaluations += 1
            if new_loss <= loss + ARMIJO * step * slope:
                break
            step /= 2
        else:
            return Result(x, loss, iteration - 1, evaluations, True)  # no descent left
        s, y = candidate - x, new_grad - grad
        curvature = float(s @ y)
        if curvature > 1e-12 * float(y @ y):
            steps.append((s, y, 1.0 / curvature))
        decrease = loss - new_loss
        x, loss, grad = candidate, new_loss, new_grad
        if callback is not None:
            callback(x)
        if decrease <= rtol * max(abs(loss), 1.0):
            return Result(x, loss, iteration, evaluations, True)
    return Result(x, loss, max_iterations, evaluations, False)


def _inverse_hessian_times(
    grad: np.ndarray, steps: deque[tuple[np.ndarray, np.ndarray, float]]
) -> np.ndarray:
    """The two-loop recursion: the L-BFGS estimate of H^-1 grad."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(steps):
        alpha = rho * float(s @ q)
        q -= alpha * y
        alphas.append(alpha)
    if steps:
        s, y, _ = steps[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), alpha in zip(steps, reversed(alphas), strict=True):
        beta = rho * float(y @ q)
        q += (alpha - beta) * s
    return q
