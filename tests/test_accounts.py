"""Staff accounts: brute-force lockout on the admin login, idle sessions end, strong passwords."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import Client
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


# --- The lockout cannot be turned against an editor -----------------------------------------------------------


def from_address(number):
    """The keyword arguments of a request made from a different machine (one address of a documentation range)."""
    return {"REMOTE_ADDR": f"198.51.100.{number}"}


def wrong_passwords_from_many_addresses(username, count):
    """``count`` wrong passwords for ``username``, each from an address of its own, as a botnet would try."""
    for number in range(count):
        log_in(Client(), username, f"guess-{number}", **from_address(number + 1))


def test_five_wrong_passwords_from_five_addresses_do_not_stop_the_owner_from_a_sixth(editor, settings):
    wrong_passwords_from_many_addresses("rosa", settings.AXES_FAILURE_LIMIT)
    owner = Client()

    response = log_in(owner, "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20")

    assert response.status_code == 302
    assert owner.get("/admin/").status_code == 200


def test_a_username_guessed_at_from_many_addresses_is_slowed_down_even_for_the_right_password(editor, settings):
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER)
    owner = Client()

    response = log_in(owner, "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20")

    assert response.status_code == 429
    assert "try again in 1 second" in " ".join(response.content.decode().split())
    assert response["Retry-After"] == "1"
    assert "_auth_user_id" not in owner.session


def test_each_further_wrong_password_doubles_the_wait_up_to_the_limit(editor, settings):
    settings.LOGIN_SLOWDOWN_MAX_WAIT = 8
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER)
    waits = []
    for number in range(5):
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=60))  # time passes
        assert log_in(Client(), "rosa", "guess", **from_address(100 + number)).status_code == 200  # checked: wrong
        waits.append(log_in(Client(), "rosa", "guess", **from_address(200 + number))["Retry-After"])

    assert waits == ["2", "4", "8", "8", "8"]


def test_the_owner_logs_in_from_a_new_address_once_the_wait_is_over(editor, settings):
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER + 3)
    assert log_in(Client(), "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=8))

    assert log_in(Client(), "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302


def test_the_owner_is_not_slowed_down_where_they_logged_in_before(editor, settings):
    assert log_in(Client(), "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER + 10)

    response = log_in(Client(), "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20")

    assert response.status_code == 302


def test_tries_refused_during_a_slow_down_are_not_counted_against_the_owner(editor, settings):
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER)
    owner = Client()
    for _retry in range(settings.AXES_FAILURE_LIMIT + 2):
        assert log_in(owner, "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=2))

    assert log_in(owner, "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302


def test_other_accounts_are_not_slowed_down_by_guesses_at_one(editor, settings):
    member_of("Editors", "tomasz")
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER + 5)

    assert log_in(Client(), "tomasz", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302


def test_logging_in_to_ones_own_account_does_not_clear_the_guesses_made_at_others(client, editor, settings):
    member_of("Editors", "mallory")
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, f"user-{number}", "guess")
    assert log_in(client, "mallory", PASSWORD).status_code == 302
    client.post("/admin/logout/")

    log_in(client, "user-last", "guess")

    assert log_in(client, "rosa", PASSWORD).status_code == 429


def test_a_username_can_be_unlocked_from_its_slow_down_with_the_command(editor, settings):
    wrong_passwords_from_many_addresses("rosa", settings.LOGIN_SLOWDOWN_AFTER + 10)

    call_command("axes_reset_username", "rosa", verbosity=0)

    assert log_in(Client(), "rosa", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302


@pytest.mark.parametrize("length", [151, 256, 1000, 10_000])
def test_an_overlong_username_is_a_failed_login_not_a_server_error(length, settings):
    client = Client(raise_request_exception=False)

    response = log_in(client, "r" * length, "guess")

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert AccessAttempt.objects.get().username == "r" * min(length, 255)


def test_overlong_usernames_still_count_towards_locking_the_address(client, editor, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, str(number) * 300, "guess")

    assert log_in(client, "rosa", PASSWORD).status_code == 429


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
