"""Combinatorics of free probability: non-crossing partitions, pairings, permutations, annular ones."""
