"""What the decoder-only families share: config checking, the token input, the LM head."""

from __future__ import annotations

from ... import arguments, nn
from ...dims import dims
from ...errors import UnknownArgumentError
from ...graph import Tensor

# PreTrainedConfig's own arguments, common to every model: none changes a count here.
COMMON_CONFIG = frozenset({
    "transformers_version", "architectures", "output_hidden_states", "output_attentions",
    "return_dict", "dtype", "torch_dtype", "chunk_size_feed_forward", "is_encoder_decoder",
    "id2label", "label2id", "problem_type", "num_labels", "name_or_path",
})


def check_config(owner: str, config: dict, accepted: frozenset) -> None:
    """Refuse config arguments the Hugging Face config does not have, naming them all."""
    unknown = sorted(set(config) - accepted - COMMON_CONFIG)
    if unknown:
        raise UnknownArgumentError(
            f"{owner}: unknown config arguments {unknown} (the Hugging Face config has no such "
            f"field). Received: {', '.join(f'{k}={config[k]!r}' for k in unknown)}",
            argument=unknown[0], value=config[unknown[0]])


def sizes(owner: str, **values) -> dict:
    """Each size checked under its config name (a positive integer or a symbol)."""
    return {name: arguments.size(value, owner=owner, argument=name)
            for name, value in values.items()}


def token_ids(owner: str, batch_size, seq_len) -> Tensor:
    """The ``input_ids`` input, ``(batch_size, seq_len)``: symbols ``B`` and ``T`` by default."""
    batch = dims("B") if batch_size is None else arguments.size(batch_size, owner=owner,
                                                                argument="batch_size")
    length = dims("T") if seq_len is None else arguments.size(seq_len, owner=owner,
                                                              argument="seq_len")
    return Tensor((batch, length), name="input_ids")


def lm_head(owner: str, hidden, embedding_dim, vocab_size, tie_word_embeddings, embeddings):
    """The bias-free ``lm_head`` to vocabulary logits, its weight tied to ``embeddings`` or not."""
    head = nn.Linear(embedding_dim, vocab_size, bias=False, name="lm_head")
    if arguments.flag(tie_word_embeddings, owner=owner, argument="tie_word_embeddings"):
        head = head.tie("weight", embeddings)
    return head(hidden)
