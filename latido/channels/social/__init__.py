"""Social and messaging platforms: signed inbound webhook, replies through an outbound webhook."""
