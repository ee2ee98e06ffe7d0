"""HTTP and WebSocket routing in one place."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware, InstanceSessionWrapper, SessionMiddleware  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from marketagg.routing import websocket_urlpatterns  # noqa: E402
from marketagg.tuning import tune_feed_process  # noqa: E402


class WebSocketSessionMiddleware(SessionMiddleware):
    """The session from the cookie, as channels' SessionMiddleware reads it, without its wrapper
    around `send`: that wrapper saves the session and sets its cookie on an HTTP response only,
    never on a WebSocket message, yet asks the lazy session two questions for every message sent
    (100 browsers on a book, 1,000 messages a second)."""

    async def __call__(self, scope, receive, send):
        wrapper = InstanceSessionWrapper(scope, send)
        await wrapper.resolve_session()
        return await self.inner(wrapper.scope, receive, send)


application = ProtocolTypeRouter(
    {
        # The admin's CSS and JS straight from the app folders: one process, nothing to collect.
        "http": ASGIStaticFilesHandler(django_asgi_app),
        # Origins outside ALLOWED_HOSTS are refused (a page elsewhere cannot read the books through a
        # visitor's browser); the session tells the consumers who is logged in when pages need a login.
        "websocket": AllowedHostsOriginValidator(
            CookieMiddleware(WebSocketSessionMiddleware(AuthMiddleware(URLRouter(websocket_urlpatterns))))
        ),
    }
)

# The web process is long-running too, and its browsers wait for every pause of it: what start-up
# built (Django, the URL conf, the application) is frozen out of the collector's walks, and the
# youngest generation is collected every 50,000 allocations (marketagg/tuning.py). Without this a
# full collection in a web process serving 100 book sockets took 250-400 ms, during which none of
# them got anything.
tune_feed_process()
