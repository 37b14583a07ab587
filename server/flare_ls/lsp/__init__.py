"""The language server: thin adapters from LSP requests to the analysis core.

Nothing here looks at YAML itself; each feature module turns core results into lsprotocol types.
Importing this package imports pygls, which ``flare-ls --check`` never does.
"""
