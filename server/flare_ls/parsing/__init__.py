"""Text to positioned YAML trees: the event-stream parser, error recovery, and maps of scalars' characters
back to the file."""
