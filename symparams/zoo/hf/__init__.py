"""Hugging Face ``transformers`` models, as symparams models.

Each builder takes the model's configuration fields (``BertConfig``'s for ``BertModel``)
with the same names and defaults; sizes may be symbols, the number of layers too.
Weights are irrelevant.

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

from .bert import BertForMaskedLM, BertForPreTraining, BertModel
from .distilbert import DistilBertModel
from .gpt2 import GPT2LMHeadModel, GPT2Model
from .llama import LlamaForCausalLM, LlamaModel
from .mistral import MistralForCausalLM, MistralModel
from .roberta import RobertaModel
from .t5 import T5ForConditionalGeneration, T5Model
from .vit import ViTForImageClassification, ViTModel

__all__ = [
    "BertForMaskedLM", "BertForPreTraining", "BertModel", "DistilBertModel", "GPT2LMHeadModel",
    "GPT2Model", "LlamaForCausalLM", "LlamaModel", "MistralForCausalLM", "MistralModel",
    "RobertaModel", "T5ForConditionalGeneration", "T5Model", "ViTForImageClassification",
    "ViTModel",
]
