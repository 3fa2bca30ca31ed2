"""The fuzz targets, their contract, seeds and input strategies, shared by tests/fuzz (a few fixed
inputs per parser in `make test`) and benchmarks/fuzz.py (long campaigns)."""
