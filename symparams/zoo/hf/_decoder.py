"""What the decoder-only families share: config checking, sizes, the language-model head."""

from __future__ import annotations

from ... import arguments, nn
from ._encoder import read_config


def check_config(owner: str, config: dict, no_count: frozenset) -> None:
    """Refuse config arguments that are neither ``no_count`` fields nor PretrainedConfig's."""
    read_config(owner, dict.fromkeys(no_count), config)


def sizes(owner: str, **values) -> dict:
    """Each size checked under its config name (a positive integer or a symbol)."""
    return {name: arguments.size(value, owner=owner, argument=name)
            for name, value in values.items()}


def lm_head(owner: str, hidden, embedding_dim, vocab_size, tie_word_embeddings, embeddings):
    """The bias-free ``lm_head`` to vocabulary logits, its weight tied to ``embeddings`` or not."""
    head = nn.Linear(embedding_dim, vocab_size, bias=False, name="lm_head")
    if arguments.flag(tie_word_embeddings, owner=owner, argument="tie_word_embeddings"):
        head = head.tie("weight", embeddings)
    return head(hidden)
