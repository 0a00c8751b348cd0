"""One module per CLI command beyond `check` and `demo`; each keeps heavy imports inside the command."""
