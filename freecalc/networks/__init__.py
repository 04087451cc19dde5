"""MLPs of any depth and activation (paper arXiv:2402.05271, Sections 2-3, Appendix D, Figures 1 and 7).

* :mod:`.activations` — elementwise activations with derivatives;
* :mod:`.mlp` — the network, its forward pass and backpropagation (PTK features ``df/dh_l``);
* :mod:`.measures` — NFM, AGOP, NFC, C-NFC, C/UC ratio, the early-time velocity C-NFC;
* :mod:`.training` — full-batch gradient descent;
* :mod:`.kernels` — ``E[PTK]`` over the initialization: arc-cosine / NTK recursion, quadrature, exact
  finite width for the quadratic two-layer case;
* :mod:`.first_order` — the first-order deep C-NFC prediction;
* :mod:`.baseline` — the randomized-eigenvector baseline of Figure 1;
* :mod:`.figure7` — the Figure 7 sweep.
"""
