"""The original breach-alert backend, reproduced on Django Channels as a stormwatch target."""
