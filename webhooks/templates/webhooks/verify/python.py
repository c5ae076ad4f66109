from standardwebhooks import Webhook, WebhookVerificationError  # pip install standardwebhooks


def verify_webhook(secret, headers, body):
    """The event if CallbackNow signed this request within the last 5 minutes, otherwise None.

    secret: the endpoint's whsec_… secret; headers: the request's headers; body: its raw body, not parsed.
    """
    try:
        return Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return None
