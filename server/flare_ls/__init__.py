"""flare-ls: language server and linter for DataOS Flare workflow manifests."""

__version__ = "0.1.0"
