"""Gaussian matrices at finite size: the Wick (Isserlis) engine for words in W, diag(a) and fixed matrices."""
