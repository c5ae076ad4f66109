<?php
// The event if CallbackNow signed this request within the last 5 minutes, otherwise null.
// $secret: the endpoint's whsec_… secret; $headers: the headers, names in lower case; $body: the raw body.
function verify_webhook(string $secret, array $headers, string $body): ?array
{
    $id = $headers['webhook-id'] ?? '';
    $timestamp = $headers['webhook-timestamp'] ?? '';
    if ($id === '' || !ctype_digit($timestamp) || abs(time() - (int) $timestamp) > 5 * 60) {
        return null;
    }
    $key = base64_decode(substr($secret, strlen('whsec_')));
    $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
    foreach (explode(' ', $headers['webhook-signature'] ?? '') as $signature) {
        [$version, $value] = array_pad(explode(',', $signature, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $value)) {
            return json_decode($body, true);
        }
    }
    return null;
}

// In your endpoint:
// $headers = array_change_key_case(getallheaders(), CASE_LOWER);
// $event = verify_webhook(getenv('WEBHOOK_SECRET'), $headers, file_get_contents('php://input'));
// if ($event === null) { http_response_code(400); exit; }
