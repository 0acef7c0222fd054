"""Accounts: sign up, log in and out, change and reset a password, in the site's style."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


def test_a_reader_signs_up_and_comes_back_where_they_were(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "New@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/topics/ukraine/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/topics/ukraine/"
    user = User.objects.get(username="newbie")
    assert user.email == "new@example.org"
    assert not user.is_staff
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_up_errors_are_shown_by_their_fields_and_the_input_kept(client, contributor):
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "email": contributor.email, "password1": PASSWORD, "password2": "different"},
    )
    assert response.status_code == 200
    assert "An account already uses this address." in response.text
    assert "The two password fields didn’t match." in response.text
    assert 'value="newbie"' in response.text
    assert not User.objects.filter(username="newbie").exists()


def test_sign_up_refuses_to_send_people_to_another_site(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "n@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_log_in_and_out(client, contributor):
    page = client.get(reverse("login"))
    assert "Log in" in page.text and "Sign up" in page.text
    response = client.post(reverse("login"), {"username": "contributor", "password": "contributor-password"})
    assert response.status_code == 302
    assert "Log out contributor" in client.get("/").text
    assert client.post(reverse("logout")).status_code == 302
    assert "Log in" in client.get("/").text


def test_a_wrong_password_says_so(client, contributor):
    response = client.post(reverse("login"), {"username": "contributor", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_a_password_reset_sends_a_link_that_sets_a_new_password(client, contributor):
    client.post(reverse("password_reset"), {"email": contributor.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    contributor.refresh_from_db()
    assert contributor.check_password(PASSWORD)


def test_a_signed_in_user_changes_their_password(client, contributor):
    client.force_login(contributor)
    assert "Change your password" in client.get(reverse("password_change")).text
    client.post(
        reverse("password_change"),
        {"old_password": "contributor-password", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    contributor.refresh_from_db()
    assert contributor.check_password(PASSWORD)


@pytest.mark.parametrize("target", ["0", "home", "javascript:alert(1)", "//evil.example/"])
def test_sign_up_sends_anything_but_a_local_path_home(client, target):
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "email": "n@example.org", "password1": PASSWORD, "password2": PASSWORD, "next": target},
    )
    assert response["Location"] == "/"
