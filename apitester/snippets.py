"""Code a developer can paste and run to make the same call: curl, PHP, Python, JavaScript. No database.

Each snippet computes its own `foot` when it runs (an encrypted POST is refused when stale or
replayed), so it never repeats the tester's own request byte for byte.
"""

import json
import re
import shlex
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.html import escape
from django.utils.translation import gettext as _

from api.protocol import POST_PATH
from apitester.wire import encode_segment

PLACEHOLDER_TOKEN = "YOUR_TOKEN"
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


@dataclass(frozen=True)
class Snippet:
    key: str
    label: str
    language: str
    code: str


def _notes():
    """The snippets' comments, in the page's language (the code itself never changes)."""
    return SimpleNamespace(
        secret=_("your token: keep it secret"),
        secret_key=_("your token (the AES key): keep it secret"),
        host=_("the host your token is bound to"),
        millis=_("milliseconds since the epoch"),
        encode=_("encodeURIComponent leaves !'()* alone; escape them too, as the API's examples do."),
        node_or_page=_("Node.js 18+ or a page on your token's host. A page elsewhere: use JSONP."),
        visible=_("your token: in a web page, your visitors can read it"),
        jsonp_any=_("JSONP works from any web page: the API answers %(name)s(...)."),
        define=_("Define %(name)s here: the API calls it with the answer."),
        jsonp_visible=_("Your token is visible to your visitors in the page; bind it to your site's host."),
        curl_post=_(
            "The encrypted POST with curl and openssl: every field is base64(AES-CBC, zero IV, PKCS#7) under the token."
        ),
        zero_padded=_("a short key is zero-padded, as mcrypt did"),
        php8=_("The seed's client for PHP 8: openssl_encrypt in place of the removed mcrypt, same bytes on the wire."),
        php_aes=_(
            "AES-CBC, zero IV, PKCS#7 padding; 16, 24 or 32 key bytes pick AES-128/192/256 (shorter keys zero-padded)."
        ),
        php_args=_("my number, my ISO code, target number (or ID), target ISO code, message, action"),
        node_only=_("Node.js 18+, on your server only: the encryption needs the token, never put it in a web page."),
        js_aes=_("base64(AES-CBC, zero IV, PKCS#7) under the token; a short key is zero-padded to 16, 24 or 32 bytes."),
    )


def _sh(value):
    return shlex.quote(str(value))


def _py(value):
    return json.dumps(str(value), ensure_ascii=False)


def _js(value):
    # "<" escaped so that "</script>" inside a value cannot end the JSONP example's script element.
    return json.dumps(str(value), ensure_ascii=False).replace("<", "\\u003c")


def _php(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def snippets(call, base_url, token, host="", timeout=10):
    """The four snippets for this call; `token` is the real one only for its signed-in owner."""
    timeout = max(1, int(timeout))
    if call.transport == "post":
        builders = (_curl_post, _php_post, _python_post, _js_post)
        args = (call, base_url, token, host, timeout)
    else:
        builders = (_curl_get, _php_get, _python_get, _js_jsonp if call.transport == "jsonp" else _js_get)
        args = (call, base_url, token, timeout)
    return [builder(*args) for builder in builders]


def _tail(call):
    """The GET path after the token, percent-encoded, with the JSONP query."""
    path = "/".join(encode_segment(part) for part in call.path_parts())
    if call.transport == "jsonp":
        path += "/?callback=" + encode_segment(call.callback)
    return path


def _curl_get(call, base_url, token, timeout):
    n = _notes()
    code = (
        f"API={_sh(base_url)}\n"
        f"TOKEN={_sh(encode_segment(token))}  # {n.secret}\n"
        f'curl -sS --max-time {timeout} "$API/$TOKEN/{_tail(call)}"\n'
    )
    return Snippet("curl", "curl", "bash", code)


def _php_get(call, base_url, token, timeout):
    n = _notes()
    parts = ", ".join(_php(part) for part in call.path_parts())
    jsonp = f"\n$url .= '/?callback=' . rawurlencode({_php(call.callback)});" if call.transport == "jsonp" else ""
    code = f"""<?php
$apiUrl = {_php(base_url)};
$myToken = {_php(token)}; // {n.secret}

$parts = array($myToken, {parts});
$url = $apiUrl . '/' . implode('/', array_map('rawurlencode', $parts));{jsonp}

$ch = curl_init($url);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
curl_setopt($ch, CURLOPT_TIMEOUT, {timeout});
$result = curl_exec($ch);
if ($result === false) {{
    fwrite(STDERR, curl_error($ch) . "\\n");
    exit(1);
}}
curl_close($ch);
echo $result, "\\n";
"""
    return Snippet("php", "PHP", "php", code)


def _python_get(call, base_url, token, timeout):
    n = _notes()
    parts = ", ".join(_py(part) for part in call.path_parts())
    jsonp = f'\nurl += "/?callback=" + quote({_py(call.callback)}, safe="")' if call.transport == "jsonp" else ""
    code = f"""from urllib.parse import quote

import requests

API = {_py(base_url)}
TOKEN = {_py(token)}  # {n.secret}

parts = [TOKEN, {parts}]
url = API + "/" + "/".join(quote(part, safe="") for part in parts){jsonp}
response = requests.get(url, timeout={timeout})
print(response.status_code, response.text)
"""
    return Snippet("python", "Python", "python", code)


def _js_encode(n):
    return (
        f"// {n.encode}\n"
        "const encode = (part) =>\n"
        '  encodeURIComponent(part).replace(/[!\'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());\n'
    )


def _js_get(call, base_url, token, timeout):
    n = _notes()
    parts = ", ".join(_js(part) for part in call.path_parts())
    code = f"""// {n.node_or_page}
const API = {_js(base_url)};
const TOKEN = {_js(token)}; // {n.visible}

{_js_encode(n)}const url = API + "/" + [TOKEN, {parts}].map(encode).join("/");

fetch(url, {{ signal: AbortSignal.timeout({timeout * 1000}) }})
  .then((response) => response.json())
  .then((answer) => console.log(answer.result, answer));
"""
    return Snippet("javascript", "JavaScript (fetch)", "javascript", code)


def _js_jsonp(call, base_url, token, timeout):
    n = _notes()
    name = call.callback
    if _IDENTIFIER.match(name):
        define = f"function {name}(answer) {{\n    console.log(answer.result, answer);\n  }}"
    else:
        define = "// " + n.define % {"name": _js(name)}
    src = f"{base_url}/{encode_segment(token)}/{_tail(call)}"
    code = f"""<!-- {n.jsonp_any % {"name": name}} -->
<!-- {n.jsonp_visible} -->
<script>
  {define}
</script>
<script src="{escape(src)}"></script>
"""
    return Snippet("javascript", "JavaScript (JSONP)", "html", code)


def _curl_post(call, base_url, token, host, timeout):
    n = _notes()
    names = [name for name, _ in call.post_plaintexts()] + ["mytoken", "foot"]
    template = "{" + ",".join(f'"{name}":"%s"' for name in names) + "}"
    values = [f'  "$(enc {_sh(value)})" \\' for _, value in call.post_plaintexts()]
    values += ['  "$(enc "$TOKEN")" \\', '  "$(enc "$FOOT")")']
    value_lines = "\n".join(values)
    code = f"""#!/usr/bin/env bash
# {n.curl_post}
set -euo pipefail
URL={_sh(f"{base_url}{POST_PATH}")}
TOKEN={_sh(token)}  # {n.secret_key}
HOST={_sh(host)}  # {n.host}

KEY=$(printf '%s' "$TOKEN" | od -An -v -tx1 | tr -d ' \\n')
BITS=$(( ${{#KEY}} <= 32 ? 128 : (${{#KEY}} <= 48 ? 192 : 256) ))
KEY=$(printf "%-$((BITS / 4))s" "$KEY" | tr ' ' 0)  # {n.zero_padded}
enc() {{ printf '%s' "$1" | openssl enc -e -aes-$BITS-cbc -K "$KEY" -iv 00000000000000000000000000000000 | openssl base64 -A; }}
FOOT="$(date +%s)000"  # {n.millis}

BODY=$(printf '{template}' \\
{value_lines}

curl -sS --max-time {timeout} "$URL" -H 'Content-Type: application/json' -e "http://$HOST/" --data-binary "$BODY"
"""
    return Snippet("curl", "curl + openssl", "bash", code)


def _php_post(call, base_url, token, host, timeout):
    n = _notes()
    plain = dict(call.post_plaintexts())
    args = ", ".join(
        _php(plain[name]) for name in ("myphonenumber", "myiso", "phonenumber", "iso", "mymsg", "myaction")
    )
    code = f"""<?php
// {n.php8}
$myToken = {_php(token)}; // {n.secret_key}
$myHost = {_php(host)}; // {n.host}
$apiUrl = {_php(f"{base_url}{POST_PATH}")};

class GCrypt
{{
    private $sKey = '';

    function setKey($KEY)
    {{
        $this->sKey = $KEY;
    }}

    // {n.php_aes}
    function encrypt($value)
    {{
        $value = (string) $value;
        $padSize = 16 - (strlen($value) % 16);
        $value = $value . str_repeat(chr($padSize), $padSize);
        $size = strlen($this->sKey) <= 16 ? 16 : (strlen($this->sKey) <= 24 ? 24 : 32);
        $key = str_pad($this->sKey, $size, "\\0");
        $output = openssl_encrypt($value, 'aes-' . ($size * 8) . '-cbc', $key,
            OPENSSL_RAW_DATA | OPENSSL_ZERO_PADDING, str_repeat(chr(0), 16));
        return base64_encode($output);
    }}

    function getmillis()
    {{
        return (int) round(microtime(true) * 1000);
    }}
}}

function send_sisicallcall_service($p_myphonenumber, $p_myiso, $p_phonenumber, $p_iso, $p_mymsg, $p_how)
{{
    global $myHost, $myToken, $apiUrl;

    $mcrypt = new GCrypt();
    $mcrypt->setKey($myToken);
    $now = $mcrypt->getmillis();

    $data = array(
        'myaction' => $mcrypt->encrypt($p_how),
        'mymsg' => $mcrypt->encrypt($p_mymsg),
        'iso' => $mcrypt->encrypt($p_iso), // target
        'phonenumber' => $mcrypt->encrypt($p_phonenumber), // target
        'myiso' => $mcrypt->encrypt($p_myiso), // my
        'myphonenumber' => $mcrypt->encrypt($p_myphonenumber), // my
        'mytoken' => $mcrypt->encrypt($myToken), // my
        'foot' => $mcrypt->encrypt($now),
    );
    $content = json_encode($data);

    $post = curl_init();
    curl_setopt($post, CURLOPT_REFERER, 'http://' . $myHost . '/');
    curl_setopt($post, CURLOPT_URL, $apiUrl);
    curl_setopt($post, CURLOPT_POST, true);
    curl_setopt($post, CURLOPT_HTTPHEADER, array('Content-type: application/json'));
    curl_setopt($post, CURLOPT_POSTFIELDS, $content);
    curl_setopt($post, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($post, CURLOPT_TIMEOUT, {timeout});

    $result = curl_exec($post);
    curl_close($post);
    if ($result === false) {{
        return 1;
    }}
    echo $result, "\\n";

    $json_list = json_decode($result, true);
    if (is_array($json_list) && ($json_list['result'] ?? '') === 'success') return 0; // success

    return 1; // failed
}}

// {n.php_args}
exit(send_sisicallcall_service({args}));
"""
    return Snippet("php", "PHP", "php", code)


def _python_post(call, base_url, token, host, timeout):
    n = _notes()
    fields = "\n".join(f"    {_py(name)}: {_py(value)}," for name, value in call.post_plaintexts())
    code = f"""import base64
import json
import time

import requests
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

URL = {_py(f"{base_url}{POST_PATH}")}
TOKEN = {_py(token)}  # {n.secret_key}
HOST = {_py(host)}  # {n.host}


def encrypt(value):
    \"\"\"base64(AES-CBC, zero IV, PKCS#7) under the token; a short key is zero-padded to 16, 24 or 32 bytes.\"\"\"
    key = TOKEN.encode("utf-8")
    key = key.ljust(next(size for size in (16, 24, 32) if len(key) <= size), b"\\0")
    padder = padding.PKCS7(128).padder()
    data = padder.update(str(value).encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


fields = {{
{fields}
    "mytoken": TOKEN,
    "foot": int(time.time() * 1000),  # {n.millis}
}}
body = json.dumps({{name: encrypt(value) for name, value in fields.items()}})
response = requests.post(
    URL,
    data=body,
    headers={{"Content-Type": "application/json", "Referer": f"http://{{HOST}}/"}},
    timeout={timeout},
)
print(response.status_code, response.text)
"""
    return Snippet("python", "Python", "python", code)


def _js_post(call, base_url, token, host, timeout):
    n = _notes()
    fields = "\n".join(f"  {name}: {_js(value)}," for name, value in call.post_plaintexts())
    code = f"""// {n.node_only}
const crypto = require("node:crypto");

const URL = {_js(f"{base_url}{POST_PATH}")};
const TOKEN = {_js(token)}; // {n.secret_key}
const HOST = {_js(host)}; // {n.host}

// {n.js_aes}
function encrypt(value) {{
  const raw = Buffer.from(TOKEN, "utf8");
  const size = raw.length <= 16 ? 16 : raw.length <= 24 ? 24 : 32;
  const key = Buffer.concat([raw, Buffer.alloc(size - raw.length)]);
  const cipher = crypto.createCipheriv(`aes-${{size * 8}}-cbc`, key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(String(value), "utf8"), cipher.final()]).toString("base64");
}}

const fields = {{
{fields}
  mytoken: TOKEN,
  foot: Date.now(), // {n.millis}
}};
const body = JSON.stringify(Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, encrypt(value)])));

fetch(URL, {{
  method: "POST",
  headers: {{ "Content-Type": "application/json", Referer: `http://${{HOST}}/` }},
  body,
  signal: AbortSignal.timeout({timeout * 1000}),
}})
  .then((response) => response.text())
  .then((text) => console.log(text));
"""
    return Snippet("javascript", "JavaScript (Node.js)", "javascript", code)
