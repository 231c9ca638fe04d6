"""Training of the head (training/head_params.py) with torch: the ONNX export of the default
model (``HeadModule``) and the logistic fits of every tag on labelled photos.
"""

from __future__ import annotations

import numpy as np
import torch

from training.head_params import EPS, HeadParameters


class HeadModule(torch.nn.Module):
    """The same map as ``head_probabilities`` as a torch module, for the ONNX export."""

    def __init__(self, head: HeadParameters) -> None:
        super().__init__()
        for name, value in vars(head).items():
            self.register_buffer(name, torch.from_numpy(np.asarray(value, dtype=np.float32)))

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        logits = embedding[:, : self.fc_weight.shape[1]] @ self.fc_weight.t() + self.fc_bias
        p = torch.softmax(logits, dim=1) @ self.class_map
        p = p.clamp(EPS, 1 - EPS)
        prior = torch.log(p) - torch.log(1 - p)
        return torch.sigmoid(self.prior_scale * prior + embedding @ self.weight + self.bias)


def fit_logistic_heads(
    embedding: np.ndarray,
    prior: np.ndarray,
    labels: np.ndarray,
    known: np.ndarray,
    has_prior: np.ndarray,
    l2: float,
    max_iter: int = 200,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit one logistic regression per tag column, all at once (full-batch L-BFGS).

    embedding [N, D]; prior [N, K] ImageNet prior logits; labels/known [N, K] 0/1 (known = the
    image's set says whether it has the tag; unknown entries do not contribute to the loss).
    The prior coefficient starts at 1 and is pulled towards 1, the embedding weights towards 0,
    so a tag with little data stays close to its ImageNet estimate.
    Returns (prior_scale [K], weight [D, K], bias [K]) in the raw (unstandardized) embedding.
    """
    x = torch.from_numpy(embedding.astype(np.float64))
    mean, std = x.mean(0), x.std(0) + 1e-6
    xs = (x - mean) / std
    prior_t = torch.from_numpy(prior.astype(np.float64)) * torch.from_numpy(
        has_prior.astype(np.float64)
    )
    y = torch.from_numpy(labels.astype(np.float64))
    mask = torch.from_numpy(known.astype(np.float64))
    n_known = mask.sum(0).clamp(min=1)
    k = labels.shape[1]
    w = torch.zeros(x.shape[1], k, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(k, dtype=torch.float64, requires_grad=True)
    a = torch.ones(k, dtype=torch.float64, requires_grad=True)
    hp = torch.from_numpy(has_prior.astype(np.float64))
    optimizer = torch.optim.LBFGS([w, b, a], max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        z = a * prior_t + xs @ w + b
        bce = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
        loss = ((bce * mask).sum(0) / n_known).sum()
        loss = loss + l2 * (w**2).sum() + l2 * (((a - 1) * hp) ** 2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        weight = (w / std[:, None]).numpy()
        bias = (b - (mean / std) @ w).numpy()
        scale = (a * hp).numpy()
    return scale, weight, bias
