"""The L-BFGS retraining uses (organizer_training/lbfgs.py) finds the optimum of convex problems
whose
answer is known another way, and stops where it says it does."""

from __future__ import annotations

import numpy as np
import pytest

from organizer_training import lbfgs


def _ridge(x: np.ndarray, y: np.ndarray, l2: float):
    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        r = x @ w - y
        return float(r @ r + l2 * w @ w), 2 * (x.T @ r + l2 * w)

    return objective


def test_ridge_regression_matches_the_closed_form() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 60)) * rng.uniform(0.1, 10, 60)  # badly scaled columns
    y = x @ rng.normal(size=60) + rng.normal(size=400)
    exact = np.linalg.solve(x.T @ x + 0.5 * np.eye(60), x.T @ y)
    result = lbfgs.minimize(_ridge(x, y, 0.5), np.zeros(60), 500, rtol=1e-14, gtol=1e-9)
    assert result.converged
    np.testing.assert_allclose(result.x, exact, rtol=1e-5, atol=1e-7)


def test_logistic_regression_reaches_a_zero_gradient() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(1000, 20))
    y = (x @ rng.normal(size=20) + rng.logistic(size=1000) > 0).astype(float)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        loss = np.logaddexp(0, z) - y * z
        p = 1 / (1 + np.exp(-z))
        return float(loss.sum() + 0.1 * w @ w), x.T @ (p - y) + 0.2 * w

    result = lbfgs.minimize(objective, np.zeros(20), 200, rtol=1e-15, gtol=1e-8)
    assert np.abs(objective(result.x)[1]).max() < 1e-6
    # Any other point is worse (strictly convex): nudging the answer raises the loss.
    for seed in range(5):
        nudge = np.random.default_rng(seed).normal(size=20) * 1e-3
        assert objective(result.x + nudge)[0] > result.loss


def test_the_callback_sees_every_step_and_may_stop_the_run() -> None:
    x = np.random.default_rng(5).normal(size=(50, 5))
    seen: list[np.ndarray] = []
    result = lbfgs.minimize(_ridge(x, np.ones(50), 1.0), np.zeros(5), 3, rtol=0, gtol=0,
                            callback=seen.append)
    assert len(seen) == result.iterations == 3 and not result.converged
    np.testing.assert_array_equal(seen[-1], result.x)

    class Stop(Exception):
        pass

    def stop(_x: np.ndarray) -> None:
        raise Stop

    with pytest.raises(Stop):
        lbfgs.minimize(_ridge(x, np.ones(50), 1.0), np.zeros(5), 10, callback=stop)
