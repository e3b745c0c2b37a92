"""Tools around the product: the seeded sample generator and the benchmarks."""
