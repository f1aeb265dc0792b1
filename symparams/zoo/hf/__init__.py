"""Hugging Face ``transformers`` models, as symparams models.

Each builder takes the model's configuration fields (``BertConfig``'s for ``BertModel``)
with the same names and defaults; sizes may be symbols. Weights are irrelevant.
"""

from .bert import BertForMaskedLM, BertForPreTraining, BertModel
from .distilbert import DistilBertModel
from .roberta import RobertaModel
from .t5 import T5ForConditionalGeneration, T5Model
from .vit import ViTForImageClassification, ViTModel

__all__ = [
    "BertForMaskedLM", "BertForPreTraining", "BertModel", "DistilBertModel", "RobertaModel",
    "T5ForConditionalGeneration", "T5Model", "ViTForImageClassification", "ViTModel",
]
