"""The seed's PHP client (section B of the seed page, copied verbatim into fixtures/seed_client.php) against a
live server: only its token, its host and the API's URL are substituted, as an existing client would do."""

import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import ApiToken
from api import testmode
from api.models import CallRequest

pytestmark = [
    pytest.mark.php,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("php"), reason="php is not installed"),
]
SEED_CLIENT = Path(__file__).parent / "fixtures" / "seed_client.php"
# PHP 8 no longer enables the seed's "<?" open tag by default.
PHP = ["php", "-d", "short_open_tag=On", "-d", "display_errors=stderr"]
CANCEL = 'send_sisicallcall_service("01010041004","kr", "01011111111","kr","", "cancel");'
# Section C of the seed page, byte for byte.
SEED_SUCCESS = '{"result":"success","opname":"SRTelecom","iso":"kr","phone_number":"01011111111"}'
SEED_FAILURE = '{"result":"failed","reason":"target number is not registered to callbacknow"}'


@pytest.fixture
def client_php(live_server, developer, tmp_path):
    """The seed's client pointed at the live server, with a token issued for its host (localhost)."""
    _token, value = ApiToken.issue(developer, "PHP site", "localhost")
    return seed_client(live_server, value, tmp_path)


@pytest.fixture
def test_client_php(live_server, developer, tmp_path):
    """The seed's client with a test token (cbn_test_…, still 32 characters: its AES key) for localhost."""
    _token, value = ApiToken.issue(developer, "PHP test", "localhost", test=True)
    assert value.startswith("cbn_test_") and len(value) == 32
    return seed_client(live_server, value, tmp_path)


def seed_client(live_server, value, tmp_path):
    code = SEED_CLIENT.read_text(encoding="utf-8")
    substitutions = [
        ('$myToken = "MYTOKENMYTOKEN";', f'$myToken = "{value}";'),
        ('$myHost = "airpage.org";', '$myHost = "localhost";'),
        ("'http://airpage.org/callback/callback_api.php'", f"'{live_server.url}/callback/callback_api.php'"),
    ]
    for seed, ours in substitutions:
        assert code.count(seed) == 1
        code = code.replace(seed, ours)
    path = tmp_path / "client.php"
    path.write_text(code, encoding="utf-8")
    return path


def run_php(*args):
    result = subprocess.run(PHP + list(args), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_it_answers_the_seeds_success_for_the_demo_target(client_php, target):
    output = run_php(str(client_php))

    assert output == SEED_SUCCESS
    request = CallRequest.objects.get()
    assert (request.requester_number, request.message, request.state) == (
        "+821010041004",
        "조금 까다롭던 그 고객",
        "pending",
    )


def test_it_answers_the_seeds_failure_for_an_unregistered_number(client_php):
    output = run_php(str(client_php))

    assert output == SEED_FAILURE
    assert not CallRequest.objects.exists()


def test_it_cancels_with_the_seeds_cancel_call(client_php, target):
    """The seed's commented-out cancel line, called after including the client (which sends its callback first)."""
    output = run_php("-r", f"include '{client_php}'; {CANCEL}")

    assert output == SEED_SUCCESS * 2
    assert CallRequest.objects.get().state == CallRequest.State.CANCELLED


def test_it_reaches_a_magic_number_with_a_test_token(test_client_php):
    """The seed's own callback (a live number) is refused to a test token; the same client then reaches the
    magic number that is answered, unchanged but for the token."""
    answered = testmode.OUTCOMES[0]
    call = f'send_sisicallcall_service("01010041004","kr","{answered.national_number}","kr","hello", "callback");'

    output = run_php("-r", f"include '{test_client_php}'; {call}")

    refused = '{"result":"failed","reason":"test tokens reach only test phones"}'
    success = (
        f'{{"result":"success","opname":"CallbackNow test","iso":"kr","phone_number":"{answered.national_number}"}}'
    )
    assert output == refused + success
    request = CallRequest.objects.get()
    assert (request.target.number, request.requester_number, request.message) == (
        answered.number,
        "+821010041004",
        "hello",
    )
    assert request.token.is_test
