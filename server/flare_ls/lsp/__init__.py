"""The language server: thin adapters from LSP requests to the analysis core.

Nothing here looks at YAML itself; each feature module turns core results into lsprotocol types.
The modules here import pygls, which ``flare-ls --check`` never does, except ``framing`` and ``startup``:
the answer to ``initialize`` written before the server loads.
"""
