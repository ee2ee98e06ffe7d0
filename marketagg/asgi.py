"""HTTP and WebSocket routing in one place."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from marketagg.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # The admin's CSS and JS straight from the app folders: one process, nothing to collect.
        "http": ASGIStaticFilesHandler(django_asgi_app),
        # Origins outside ALLOWED_HOSTS are refused (a page elsewhere cannot read the books through a
        # visitor's browser); the session tells the consumers who is logged in when pages need a login.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
