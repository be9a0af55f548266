"""AOM meter firmware and its host simulator (see README.md)."""
