"""Exact Haar averages at finite size: Weingarten functions and averages of trace words."""
