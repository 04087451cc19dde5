"""Numeric layer: numpy and mpmath evaluation, Haar sampling, data statistics, quadratic networks."""
