"""flare-ls: language server and linter for DataOS Flare workflow manifests."""

__version__ = "0.2.0"
