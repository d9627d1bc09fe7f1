"""The embeddable contact form a company pastes into its own site."""
