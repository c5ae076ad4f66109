from api import reasons


def test_it_lists_every_reason_once_with_a_distinct_text():
    declared = [value for value in vars(reasons).values() if isinstance(value, reasons.Reason)]

    assert sorted(declared) == sorted(reasons.ALL)
    assert len({reason.text for reason in reasons.ALL}) == len(reasons.ALL)
    assert len({reason.code for reason in reasons.ALL}) == len(reasons.ALL)


def test_it_keeps_the_seeds_words_for_an_unregistered_target():
    assert reasons.TARGET_NOT_REGISTERED.text == "target number is not registered to callbacknow"


def test_it_gives_each_reason_an_error_status_and_a_description():
    for _code, text, status, description in reasons.ALL:
        assert 400 <= status < 600 and text == text.lower() and str(description)
