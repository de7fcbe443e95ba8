"""Benchmark harness for ``restore``: accuracy on seeds, synthetic spins, clean prose and tortured phrases,
plus speed and scale. Run ``python -m benchmarks --quick`` (under a minute) or ``python -m benchmarks``.
"""
