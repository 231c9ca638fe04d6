"""The embedding -> tag probability map of a bundle (head.npz), without torch.

    logits_1000 = embedding[:, :1280] @ fc_weight.T + fc_bias (the pretrained ImageNet classifier)
    imagenet_p  = softmax(logits_1000) @ class_map            (sum over a tag's ImageNet classes)
    prior       = logit(clip(imagenet_p, EPS, 1 - EPS))
    probability = sigmoid(prior_scale * prior + embedding @ weight + bias)

``head_probabilities`` is the float64 numpy reference; ``head_graph`` the same map as an ONNX
graph (built with the ``onnx`` package), so a retrained head becomes a model without torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

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

    def copy(self) -> HeadParameters:
        return HeadParameters(**{k: np.array(v, copy=True) for k, v in vars(self).items()})

    def with_new_columns(self, weight: np.ndarray, bias: np.ndarray) -> HeadParameters:
        """A copy with tags appended: ``weight`` [D, k] and ``bias`` [k], no ImageNet classes
        (prior scale 0), so they read the embedding alone."""
        n_new = weight.shape[1]
        return HeadParameters(
            fc_weight=self.fc_weight,
            fc_bias=self.fc_bias,
            class_map=np.concatenate(
                [self.class_map, np.zeros((self.class_map.shape[0], n_new), np.float32)], 1
            ),
            prior_scale=np.concatenate([self.prior_scale, np.zeros(n_new, np.float32)]),
            weight=np.concatenate([self.weight, weight.astype(np.float32)], 1),
            bias=np.concatenate([self.bias, bias.astype(np.float32)]),
        )

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


def head_graph(
    head: HeadParameters, input_name: str, output_name: str, opset: int
) -> onnx.ModelProto:
    """``head_probabilities`` as an ONNX model: [batch, D] embedding -> [batch, T] probabilities."""
    d, t = head.weight.shape
    inputs_1280 = head.fc_weight.shape[1]

    def const(name: str, value: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)

    initializers = [
        const("fc_weight_t", head.fc_weight.T),
        const("fc_bias", head.fc_bias),
        const("class_map", head.class_map),
        const("prior_scale", head.prior_scale),
        const("weight", head.weight),
        const("bias", head.bias),
        const("eps", np.array(EPS)),
        const("one_minus_eps", np.array(1 - EPS)),
        const("one", np.array(1.0)),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "slice_start"),
        numpy_helper.from_array(np.array([inputs_1280], dtype=np.int64), "slice_end"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "slice_axis"),
    ]
    nodes = [
        helper.make_node(
            "Slice", [input_name, "slice_start", "slice_end", "slice_axis"], ["x1280"]
        ),
        helper.make_node("MatMul", ["x1280", "fc_weight_t"], ["fc_raw"]),
        helper.make_node("Add", ["fc_raw", "fc_bias"], ["fc_logits"]),
        helper.make_node("Softmax", ["fc_logits"], ["softmax"], axis=1),
        helper.make_node("MatMul", ["softmax", "class_map"], ["tag_p"]),
        helper.make_node("Clip", ["tag_p", "eps", "one_minus_eps"], ["tag_p_clipped"]),
        helper.make_node("Sub", ["one", "tag_p_clipped"], ["tag_q"]),
        helper.make_node("Log", ["tag_p_clipped"], ["log_p"]),
        helper.make_node("Log", ["tag_q"], ["log_q"]),
        helper.make_node("Sub", ["log_p", "log_q"], ["prior"]),
        helper.make_node("Mul", ["prior", "prior_scale"], ["scaled_prior"]),
        helper.make_node("MatMul", [input_name, "weight"], ["linear_raw"]),
        helper.make_node("Add", ["linear_raw", "bias"], ["linear"]),
        helper.make_node("Add", ["scaled_prior", "linear"], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], [output_name]),
    ]
    graph = helper.make_graph(
        nodes,
        "organizer-head",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", d])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["batch", t])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    return model
