"""The paper's network ``f(x) = a^T (W x)^2`` (arXiv:2402.05271).

Readout law, law of R, words, sampled networks, predictions, the predict workflow and the Figure 3 sweep.
"""
