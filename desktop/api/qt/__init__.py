"""The API server's Qt side: its settings page, the Server panel and the status-bar mark."""
