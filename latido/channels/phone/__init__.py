"""Phone: call records logged by agents or sent by a telephony system."""
