"""Browser WebSocket routes (the live book page arrives with the web-view issue)."""

websocket_urlpatterns: list = []
