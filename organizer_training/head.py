"""Training of the head (organizer_training/head_params.py) with torch: the ONNX export of the
default
model (``HeadModule``) and the logistic fits of every tag on labelled photos.
"""

from __future__ import annotations

import numpy as np
import torch

from organizer_training.head_params import EPS, HeadParameters


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
    l2: float | np.ndarray,
    max_iter: int = 200,
    dtype: torch.dtype = torch.float64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit one logistic regression per tag column, all at once (full-batch L-BFGS).

    embedding [N, D]; prior [N, K] ImageNet prior logits; labels/known [N, K] 0/1 (known = the
    image's set says whether it has the tag; unknown entries do not contribute to the loss).
    The prior coefficient starts at 1 and is pulled towards 1, the embedding weights towards 0,
    so a tag with little data stays close to its ImageNet estimate.
    ``l2`` is one strength for every column or one per column [K]; ``dtype`` float32 halves
    the time of a fit over thousands of photos and hundreds of tags.
    Returns (prior_scale [K], weight [D, K], bias [K]) in the raw (unstandardized) embedding.
    """
    x = torch.as_tensor(embedding, dtype=dtype)
    mean, std = x.mean(0), x.std(0) + 1e-6
    xs = (x - mean) / std
    prior_t = torch.as_tensor(prior, dtype=dtype) * torch.as_tensor(has_prior, dtype=dtype)
    y = torch.as_tensor(labels, dtype=dtype)
    mask = torch.as_tensor(known, dtype=dtype)
    n_known = mask.sum(0).clamp(min=1)
    k = labels.shape[1]
    w = torch.zeros(x.shape[1], k, dtype=dtype, requires_grad=True)
    b = torch.zeros(k, dtype=dtype, requires_grad=True)
    a = torch.ones(k, dtype=dtype, requires_grad=True)
    hp = torch.as_tensor(has_prior, dtype=dtype)
    strength = torch.as_tensor(np.broadcast_to(np.asarray(l2, dtype=np.float64), (k,)).copy(),
                               dtype=dtype)
    optimizer = torch.optim.LBFGS([w, b, a], max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        z = a * prior_t + xs @ w + b
        bce = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
        loss = ((bce * mask).sum(0) / n_known).sum()
        loss = loss + (strength * ((w**2).sum(0) + ((a - 1) * hp) ** 2)).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        weight = (w / std[:, None]).double().numpy()
        bias = (b - (mean / std) @ w).double().numpy()
        scale = (a * hp).double().numpy()
    return scale, weight, bias
