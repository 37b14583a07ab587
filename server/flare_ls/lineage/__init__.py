"""Lineage: how data flows through workflows, across files.

``graph`` turns manifest texts into a model of datasets, jobs, inputs, steps and outputs (no I/O);
``render`` turns that model into Mermaid, DOT, JSON or a self-contained HTML page. ``flare-ls graph``
(``cli/graph.py``) and the language server's lineage view read files and call these two.
"""
