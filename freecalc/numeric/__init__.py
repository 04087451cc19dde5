"""The engine's only numpy layer: closed forms on matrices, Haar sampling, Monte Carlo, memory checks."""
