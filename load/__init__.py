"""Synthetic GBA record generator, load driver and benchmarks."""

from load.generator import FLOWS, KINDS, UNKNOWN_FLOW, Flow, SampleRecord, generate

__all__ = ["FLOWS", "KINDS", "UNKNOWN_FLOW", "Flow", "SampleRecord", "generate"]
