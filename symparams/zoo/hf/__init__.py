"""``transformers`` models, as symparams models: Hugging Face class names, config arguments
and defaults (weights are irrelevant). Any size may be a symbol, the number of layers too.

>>> import sympy
>>> from symparams import dims
>>> from symparams.zoo import hf
>>> V, T, L, d = dims("V T L d")
>>> gpt2 = hf.GPT2LMHeadModel(n_layer=L, n_embd=d, vocab_size=V, n_positions=T)
>>> sympy.expand(gpt2.params - (V*d + T*d + L*(12*d**2 + 13*d) + 2*d))
0
>>> gpt2.subs(V=50257, T=1024, L=12, d=768).params
124439808
>>> hf.LlamaForCausalLM().params
6738415616
"""

from .gpt2 import GPT2LMHeadModel, GPT2Model
from .llama import LlamaForCausalLM, LlamaModel
from .mistral import MistralForCausalLM, MistralModel

# One line per module, here and above.
__all__ = [
    "GPT2LMHeadModel", "GPT2Model",
    "LlamaForCausalLM", "LlamaModel",
    "MistralForCausalLM", "MistralModel",
]
