"""Forms are CSRF-protected: a post without the token is refused, with it the form works."""

import re

from django.contrib.auth.models import User
from django.test import Client


def test_admin_login_needs_the_csrf_token(seeded):
    User.objects.create_superuser("boss", "b@example.com", "x-not-secret")
    browser = Client(enforce_csrf_checks=True)
    forged = browser.post("/admin/login/", {"username": "boss", "password": "x-not-secret"})
    assert forged.status_code == 403
    form = browser.get("/admin/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    real = browser.post(
        "/admin/login/", {"username": "boss", "password": "x-not-secret", "csrfmiddlewaretoken": token}
    )
    assert real.status_code == 302
