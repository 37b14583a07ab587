"""Lineage: how data flows through workflows, across files.

``graph`` turns manifest texts into a model of datasets, jobs, inputs, steps and outputs (no I/O);
``render`` turns that model into Mermaid, DOT, JSON or a self-contained HTML page; ``flow`` finds the
manifests of a workspace index that take part in one flow. ``flare-ls graph`` (``cli/graph.py``) and the
language server's lineage view (``lsp/lineage.py``, the request ``flare/lineage``) read files and call them.
"""
