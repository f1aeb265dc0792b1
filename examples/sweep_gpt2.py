"""Sweep GPT-2's depth and width: parameters, FLOPs per token and training memory.

``python examples/sweep_gpt2.py`` prints a CSV table and a budget answer;
docs/howto/sweeps.md shows this script and its output (tests/test_docs_site.py
checks that they agree).
"""

import numpy as np
import sympy

import symparams
from symparams import dims
from symparams.zoo import hf

L, d, B, T = dims("L d B T")

# One symbolic model gives every formula; numbers come last.
model = hf.GPT2LMHeadModel(n_layer=L, n_embd=d, n_positions=1024, batch_size=B, seq_length=T)
params = model.params
flops_per_token = sympy.expand(model.flops / (B * T))
training_bytes = model.memory("bfloat16", optimizer="adamw", master_dtype="float32").total

# A 4 x 4 grid of depths (rows) and widths (columns), evaluated exactly in NumPy.
depths = np.array([12, 24, 36, 48])[:, None]
widths = np.array([768, 1536, 2304, 3072])[None, :]
columns = {
    "params": symparams.sweep(params, L=depths, d=widths),
    "flops_per_token": symparams.sweep(flops_per_token, L=depths, d=widths, T=1024),
    "training_GiB": symparams.sweep(training_bytes, L=depths, d=widths, T=1024, B=8) / 2**30,
}

print("n_layer,d_model," + ",".join(columns))
for i, depth in enumerate(depths[:, 0]):
    for j, width in enumerate(widths[0]):
        row = [f"{columns['params'][i, j]}", f"{columns['flops_per_token'][i, j]}",
               f"{columns['training_GiB'][i, j]:.1f}"]
        print(f"{depth},{width}," + ",".join(row))

# The widest model of 48 layers within 1.5 billion parameters:
print("d_model within 1.5e9 parameters at 48 layers:",
      symparams.solve_budget(params, 1.5e9, "d", L=48))
