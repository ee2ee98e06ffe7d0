"""MARKETAGG_PAGES_REQUIRE_LOGIN: pages send visitors to the login, the data API answers 401 and the
live sockets refuse them; a logged-in user sees everything. The admin always needs staff."""

import pytest
from django.contrib.auth.models import User

from tests.web.sockets import closed_with, connect


@pytest.fixture
def login_required(settings):
    settings.MARKETAGG = {**settings.MARKETAGG, "PAGES_REQUIRE_LOGIN": True}


def test_anonymous_visitors_are_sent_to_the_login(client, seeded, login_required):
    for url in ("/", "/book/BTC-USDT/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=")
    response = client.get("/api/pairs")
    assert response.status_code == 401 and "log in" in response.json()["error"]


def test_a_logged_in_user_sees_the_pages(client, seeded, login_required):
    client.force_login(User.objects.create_user("viewer", password="x-not-secret"))
    assert client.get("/").status_code == 200
    assert client.get("/book/BTC-USDT/").status_code == 200
    assert client.get("/api/pairs").status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_the_sockets_refuse_anonymous_visitors(seeded, layer, login_required):
    for path in ("/ws/book/BTC-USDT/", "/ws/status/"):
        client, connected = await connect(path)
        assert await closed_with(client) == 4401


def test_admin_needs_staff_and_links_to_the_pages(client, seeded):
    assert client.get("/admin/").status_code == 302
    client.force_login(User.objects.create_user("viewer", password="x-not-secret"))
    assert client.get("/admin/").status_code == 302  # logged in, but not staff
    client.force_login(User.objects.create_superuser("boss", "b@example.com", "x-not-secret"))
    html = client.get("/admin/").content.decode()
    assert '<a href="/">View site</a>' in html
