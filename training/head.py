"""The embedding -> tag probability map of a bundle, its parameters (head.npz) and training.

    logits_1000 = embedding[:, :1280] @ fc_weight.T + fc_bias (the pretrained ImageNet classifier)
    imagenet_p  = softmax(logits_1000) @ class_map            (sum over a tag's ImageNet classes)
    prior       = logit(clip(imagenet_p, EPS, 1 - EPS))
    probability = sigmoid(prior_scale * prior + embedding @ weight + bias)

With prior_scale = 1, weight = 0, bias = 0 a tag is exactly its ImageNet sum (up to the clip);
trained tags learn weight/bias (and prior_scale where the tag has ImageNet classes) from
labelled photos. ``head_probabilities`` is the numpy reference the ONNX graph must match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

EPS = 1e-6


@dataclass
class HeadParameters:
    fc_weight: np.ndarray  # [1000, 1280]: reads the first 1280 embedding columns
    fc_bias: np.ndarray  # [1000]
    class_map: np.ndarray  # [1000, T] 0/1
    prior_scale: np.ndarray  # [T]
    weight: np.ndarray  # [D, T], D the whole embedding
    bias: np.ndarray  # [T]

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **{k: v.astype(np.float32) for k, v in vars(self).items()})

    @classmethod
    def load(cls, path: Path) -> HeadParameters:
        with np.load(path) as data:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    @property
    def n_tags(self) -> int:
        return self.class_map.shape[1]


def imagenet_tag_probabilities(embedding: np.ndarray, head: HeadParameters) -> np.ndarray:
    imagenet_part = embedding[:, : head.fc_weight.shape[1]].astype(np.float64)
    logits = imagenet_part @ head.fc_weight.T.astype(np.float64) + head.fc_bias
    logits -= logits.max(axis=1, keepdims=True)
    softmax = np.exp(logits)
    softmax /= softmax.sum(axis=1, keepdims=True)
    return softmax @ head.class_map


def prior_logits(embedding: np.ndarray, head: HeadParameters) -> np.ndarray:
    p = np.clip(imagenet_tag_probabilities(embedding, head), EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


def head_probabilities(embedding: np.ndarray, head: HeadParameters) -> np.ndarray:
    """Reference (float64 numpy) of the bundle's ``probabilities`` output."""
    z = (
        head.prior_scale * prior_logits(embedding, head)
        + embedding.astype(np.float64) @ head.weight
        + head.bias
    )
    return 1.0 / (1.0 + np.exp(-z))


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
