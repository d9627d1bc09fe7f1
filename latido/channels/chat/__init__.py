"""Live chat: the embeddable widget, websockets, waiting queue and transcripts."""
