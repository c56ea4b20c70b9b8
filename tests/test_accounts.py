"""Staff accounts: brute-force lockout on the admin login, idle sessions end, strong passwords."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.people import PASSWORD, member_of

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def log_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.fixture
def editor():
    return member_of("Editors", "rosa")


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, editor, settings, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    statuses = [log_in(client, "rosa", f"guess-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)]

    locked = log_in(client, "rosa", PASSWORD)

    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="rosa").exists()
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)


def test_many_usernames_from_one_address_are_locked_out_too(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"user-{n}", "guess")

    assert log_in(client, "rosa", PASSWORD).status_code == 429


def test_an_administrator_unlocks_an_account_with_a_command(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "rosa", f"guess-{n}")

    call_command("axes_reset_username", "rosa", verbosity=0)
    call_command("axes_reset_ip", "127.0.0.1", verbosity=0)

    assert log_in(client, "rosa", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_behind_the_proxy_lockout_follows_the_real_address(client, settings):
    settings.PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"user-{n}", "guess", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="10.0.0.2")

    assert AccessAttempt.objects.filter(ip_address="198.51.100.7").count() == settings.AXES_FAILURE_LIMIT
    member_of("Editors", "tomasz")
    other_reader = log_in(client, "tomasz", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.2")
    assert other_reader.status_code == 302


def test_a_successful_login_is_not_held_against_anyone(client, editor):
    assert log_in(client, "rosa", PASSWORD).status_code == 302


def test_an_idle_staff_session_ends(client, editor):
    assert log_in(client, "rosa", PASSWORD).status_code == 302
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_each_request_extends_the_session_by_the_idle_time(client, editor, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60
    log_in(client, "rosa", PASSWORD)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=30))

    assert client.get("/admin/").status_code == 200

    remaining = Session.objects.get().expire_date - timezone.now()
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)


def test_staff_sessions_no_longer_last_two_weeks(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.parametrize("password", ["ivig", "12345678901234", "password123456"])
def test_weak_passwords_are_refused(password, editor):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_long_passphrase_is_accepted(editor):
    validate_password("plasma donors keep the pool deep", user=editor)
