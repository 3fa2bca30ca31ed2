"""Code signals for languages other than Python, parsed with tree-sitter (see `signals`)."""
