"""What the Embed page gives an integrator to copy: the script tag, the JS API, and signing code
for the company's backend in Python, Node, PHP and Ruby.

Each signing example computes exactly what surveys.embed.signing verifies: the hex HMAC-SHA256
of the customer id alone, or, with an expiry and attributes, of

    "kaiku-embed-v1" LF customer-id LF expires LF attributes

with the attributes the very string the page then passes in ``data-attributes``. The secret is
read from the environment (``KAIKU_EMBED_SECRET``); no page shows a real one.
"""

from dataclasses import dataclass

SECRET_VARIABLE = "KAIKU_EMBED_SECRET"


@dataclass(frozen=True)
class SigningExample:
    language: str
    slug: str  # for ids in the page
    id_only: str  # signs the customer id alone (data-signature)
    full: str  # signs the id, an expiry an hour ahead and attributes


EXAMPLES = (
    SigningExample(
        "Python",
        "python",
        "import hashlib, hmac, os\n"
        'secret = os.environ["KAIKU_EMBED_SECRET"].encode()\n'
        "signature = hmac.new(secret, customer_id.encode(), hashlib.sha256).hexdigest()",
        "import hashlib, hmac, json, os, time\n"
        "expires = int(time.time()) + 3600\n"
        'attributes = json.dumps({"plan": "pro", "email": "ann@example.com"})\n'
        'message = "\\n".join(["kaiku-embed-v1", customer_id, str(expires), attributes])\n'
        'secret = os.environ["KAIKU_EMBED_SECRET"].encode()\n'
        "signature = hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()",
    ),
    SigningExample(
        "Node",
        "node",
        'const crypto = require("node:crypto");\n'
        "const secret = process.env.KAIKU_EMBED_SECRET;\n"
        'const signature = crypto.createHmac("sha256", secret).update(customerId).digest("hex");',
        'const crypto = require("node:crypto");\n'
        "const expires = Math.floor(Date.now() / 1000) + 3600;\n"
        'const attributes = JSON.stringify({ plan: "pro", email: "ann@example.com" });\n'
        'const message = ["kaiku-embed-v1", customerId, String(expires), attributes]'
        '.join("\\n");\n'
        "const secret = process.env.KAIKU_EMBED_SECRET;\n"
        'const signature = crypto.createHmac("sha256", secret).update(message).digest("hex");',
    ),
    SigningExample(
        "PHP",
        "php",
        "$signature = hash_hmac('sha256', $customerId, getenv('KAIKU_EMBED_SECRET'));",
        "$expires = time() + 3600;\n"
        "$attributes = json_encode(['plan' => 'pro', 'email' => 'ann@example.com']);\n"
        "$message = implode(\"\\n\", ['kaiku-embed-v1', $customerId, (string) $expires, "
        "$attributes]);\n"
        "$signature = hash_hmac('sha256', $message, getenv('KAIKU_EMBED_SECRET'));",
    ),
    SigningExample(
        "Ruby",
        "ruby",
        'require "openssl"\n'
        'signature = OpenSSL::HMAC.hexdigest("SHA256", ENV.fetch("KAIKU_EMBED_SECRET"), '
        "customer_id)",
        'require "json"\nrequire "openssl"\n'
        "expires = Time.now.to_i + 3600\n"
        'attributes = JSON.generate({ plan: "pro", email: "ann@example.com" })\n'
        'message = ["kaiku-embed-v1", customer_id, expires.to_s, attributes].join("\\n")\n'
        'signature = OpenSSL::HMAC.hexdigest("SHA256", ENV.fetch("KAIKU_EMBED_SECRET"), '
        "message)",
    ),
)


def script_tag(base_url: str, survey_key: str) -> str:
    """The one-tag embed, signed with the customer id alone."""
    return (
        f'<script async src="{base_url.rstrip("/")}/embed.js"\n'
        f'        data-survey="{survey_key}"\n'
        '        data-customer="CUSTOMER_ID"\n'
        '        data-signature="SIGNATURE"></script>'
    )


def full_script_tag(base_url: str, survey_key: str) -> str:
    """The tag with an expiry, attributes and the key id that signed them."""
    return (
        f'<script async src="{base_url.rstrip("/")}/embed.js"\n'
        f'        data-survey="{survey_key}"\n'
        '        data-customer="CUSTOMER_ID"\n'
        '        data-key-id="KEY_ID"\n'
        '        data-expires="EXPIRES"\n'
        "        data-attributes='ATTRIBUTES'\n"
        '        data-signature="SIGNATURE"></script>'
    )


def js_api(base_url: str, survey_key: str) -> str:
    """The same through the JS API (``static/embed/loader.js``): calls queue until the script has
    loaded; ``identify`` for a single-page app that knows the customer only after a sign-in."""
    return (
        "<script>\n"
        "  window.Kaiku = window.Kaiku || { q: [] };\n"
        '  ["init", "show", "track", "identify"].forEach(function (m) {\n'
        "    Kaiku[m] = Kaiku[m] || function () {"
        " Kaiku.q.push([m].concat([].slice.call(arguments))); };\n"
        "  });\n"
        f'  Kaiku.init({{ survey: "{survey_key}", customer: "CUSTOMER_ID", '
        'signature: "SIGNATURE" });\n'
        '  // after a sign-in: Kaiku.identify("CUSTOMER_ID", "SIGNATURE", attributes, '
        "{ keyId, expires });\n"
        '  // Kaiku.track("upgraded");  opens it where a trigger waits for this event\n'
        "  // Kaiku.show();  opens it now, whatever the triggers say\n"
        "</script>\n"
        f'<script async src="{base_url.rstrip("/")}/embed.js"></script>'
    )
