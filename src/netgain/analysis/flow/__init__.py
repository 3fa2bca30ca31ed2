"""The parts of the intra-procedural taint analyzer, one concern per module.

`netgain.analysis.dataflow.FunctionAnalyzer` combines them: `params` (entry state), `expressions`
(values), `calls` (callee resolution, models, summaries), `statements` (control flow and
assignment), `guards` (validation checks and early exits), `sinks` (findings and summary entries),
over the shared `state` and the constant `folding` helpers.
"""
