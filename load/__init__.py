"""Benchmarks (bench_detect, bench_inspect, bench_gateway), the real-text measurement (realtext), their
results and the challenge sets. The synthetic records they drive live in customs/samples/."""
