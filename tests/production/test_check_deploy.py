"""`manage.py check --deploy` with production's environment, and the refusal to start on development keys."""

from tests.helpers import manage


def test_it_passes_the_deployment_checklist_without_a_warning(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_passes_the_checklist_when_hsts_preload_is_turned_off_on_purpose(production_env):
    production_env["SECURE_HSTS_PRELOAD"] = "false"

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr


def test_it_fails_the_checklist_without_a_cache_that_every_worker_shares(production_env):
    del production_env["REDIS_URL"]

    result = manage(production_env, "check", "--deploy")

    assert result.returncode != 0
    assert "accounts.E004" in result.stderr and "REDIS_URL" in result.stderr


def test_it_fails_the_checklist_without_the_site_s_address_for_mail_links(production_env):
    del production_env["SITE_URL"]

    result = manage(production_env, "check", "--deploy")

    assert result.returncode != 0
    assert "accounts.E005" in result.stderr and "SITE_URL" in result.stderr


def test_it_warns_of_a_push_channel_without_credentials_unless_it_is_off_on_purpose(production_env):
    production_env["PUSH_CHANNELS_OFF"] = "fcm,webpush"

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "device.W002" in result.stderr and "PUSH_APNS_KEY_FILE" in result.stderr
    assert "device.W001" not in result.stderr and "device.W003" not in result.stderr


def test_it_warns_when_production_leaves_the_support_address_to_a_guess(production_env):
    del production_env["SUPPORT_EMAIL"]

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "accounts.W002" in result.stderr and "SUPPORT_EMAIL" in result.stderr


def test_it_refuses_to_start_on_the_development_secret_key(production_env):
    del production_env["SECRET_KEY"]

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_it_refuses_to_start_on_the_development_token_encryption_key(production_env):
    del production_env["TOKEN_ENCRYPTION_KEY"]

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert "Set TOKEN_ENCRYPTION_KEY" in result.stderr


def test_it_refuses_to_start_on_a_short_secret_key(production_env):
    production_env["SECRET_KEY"] = "too-short"

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_it_sends_mail_over_smtp_when_debug_is_off(production_env):
    result = manage(
        production_env, "shell", "-v", "0", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_it_fails_the_checklist_when_nginx_gives_up_before_the_server(production_env):
    production_env.update(SERVER_TIMEOUT_SECONDS="30", FRONT_READ_TIMEOUT_SECONDS="25")

    result = manage(production_env, "check", "--deploy")

    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "FRONT_READ_TIMEOUT_SECONDS (25 s)" in result.stderr


def test_it_fails_the_checklist_when_a_call_may_commit_after_the_server_s_timeout(production_env):
    production_env.update(REQUEST_DEADLINE_SECONDS="28", DB_STATEMENT_TIMEOUT_SECONDS="5")

    result = manage(production_env, "check", "--deploy")

    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "REQUEST_DEADLINE_SECONDS + DB_STATEMENT_TIMEOUT_SECONDS" in result.stderr


def test_it_fails_the_checklist_without_a_statement_or_lock_timeout(production_env):
    production_env.update(DB_LOCK_TIMEOUT_SECONDS="0")

    result = manage(production_env, "check", "--deploy")

    assert result.returncode != 0
    assert "portal.E003" in result.stderr


def test_it_fails_the_checklist_when_a_queued_request_may_start_with_no_time_left(production_env):
    production_env.update(REQUEST_QUEUE_TIMEOUT_SECONDS="15", REQUEST_DEADLINE_SECONDS="15")

    result = manage(production_env, "check", "--deploy")

    assert result.returncode != 0
    assert "portal.E002" in result.stderr
