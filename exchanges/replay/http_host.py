"""One recorded REST host, replayed: each GET gets the next recorded body of its URL.

URLs match on path and the query parameters that name the instrument (a different `limit` or
`depth` still matches). After the last recorded body, the last one repeats.
"""

from __future__ import annotations

from collections import Counter

from aiohttp import web

from exchanges.replay.script import HttpAnswers, request_key


class HttpHost:
    def __init__(self, answers: HttpAnswers) -> None:
        self.host = answers.host
        self.venue = answers.venue
        self.bodies = answers.bodies
        self.served: Counter = Counter()
        self.requests = 0
        self.not_found = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        key = request_key(request.path, list(request.query.items()))
        bodies = self.bodies.get(key)
        if not bodies:
            self.not_found += 1
            return web.json_response(
                {"error": "no recorded answer for this URL", "host": self.host, "path": request.path_qs},
                status=404,
            )
        body = bodies[min(self.served[key], len(bodies) - 1)]
        self.served[key] += 1
        return web.Response(text=body, content_type="application/json")
