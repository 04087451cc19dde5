"""First- and second-order free probability: words, trace atoms, the mixed-moment engine, cumulants, laws."""
