"""The local OpenAI-compatible API server: a second client of the chat-backend seam."""
