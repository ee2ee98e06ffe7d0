"""Browser WebSocket routes."""

from django.urls import path

from books.consumers import BookConsumer, StatusConsumer

websocket_urlpatterns: list = [
    path("ws/book/<str:pair>/", BookConsumer.as_asgi()),
    path("ws/status/", StatusConsumer.as_asgi()),
]
