"""What `cors-doctor audit` says about each finding class: lead sentence, impact, fix (plain data)."""

from __future__ import annotations

from cors_doctor.rules.codes import Code

IMPACT = {
    ("anyone", True): "Any web site the user visits can send requests with the user's cookies and read the "
    "replies: whatever this URL shows a logged-in user leaks to every site.",
    ("anyone", False): "Any web site can read the replies, but without the user's cookies: only data the user's "
    "network position unlocks (intranet, IP allow-lists) is exposed. With credentials "
    "turned on later this becomes high.",
    ("browser", True): "A page whose host name carries these characters can read the user's data with their "
    "cookies. Only some browsers accept such host names, so exploitation is harder, but the "
    "origin check is broken.",
    ("browser", False): "A page with such a host name can read the replies without cookies; the origin check is "
    "broken even though little is exposed today.",
    ("subdomain", True): "A page on any subdomain (one XSS, or one taken-over subdomain with dangling DNS) can "
    "read the user's data with their cookies.",
    ("subdomain", False): "A page on a subdomain can read the replies, without cookies: little is exposed.",
    ("network", True): "An attacker on the network path (public Wi-Fi) can inject script into the http:// page "
    "and read the user's data from this https URL: HTTPS no longer protects it.",
    ("network", False): "An http:// page can read the replies, without cookies: little is exposed.",
    ("local", True): "Any page or program served from the user's own machine (a dev server, a local app) can "
    "read the user's data with their cookies.",
    ("local", False): "A page on localhost can read the replies, without cookies: little is exposed.",
}
PREFLIGHT_ONLY = (
    " The preflight allowed it with credentials: such a page can send credentialed PUT/DELETE/JSON "
    "requests that change data, even where it cannot read the GET replies."
)

FIX = {
    Code.ORIGIN_REFLECTED: "Replace origin reflection with an explicit allow-list compared for equality "
    "(Starlette allow_origins=[...] instead of ['*'] with allow_credentials, Flask-CORS origins=[...], "
    "Express cors({origin: [...]}), nginx map $http_origin).",
    Code.NULL_ORIGIN_ALLOWED: "Remove `null` from the allow-list; never turn a missing or `null` Origin into an allowed value.",
    Code.ORIGIN_PREFIX_MATCH: "Compare the whole origin for equality, or anchor the pattern at the end (re.fullmatch, `$`): "
    "startswith() and unanchored patterns accept attacker domains that begin with your name.",
    Code.ORIGIN_SUFFIX_MATCH: "Match the host exactly or require a dot before the trusted domain "
    "(host == 'example.com' or host.endswith('.example.com')), never endswith('example.com'); in a "
    "pattern, anchor the name after the scheme or a dot: ^https://([a-z0-9-]+\\.)?example\\.com$ "
    "(escaping its dots alone changes nothing).",
    Code.ORIGIN_SUBSTRING_MATCH: "Look the origin up in a set of allowed origins; do not test whether it is contained in a string.",
    Code.UNESCAPED_DOT_IN_ORIGIN_PATTERN: "Escape the dots of the origin pattern (r'https://app\\.example\\.com') or use an exact list.",
    Code.ANY_SUBDOMAIN_TRUSTED: "List the subdomains that need access; a wildcard subdomain pattern turns any XSS or dangling DNS "
    "record on any subdomain into access to this API.",
    Code.HTTP_ORIGIN_TRUSTED: "Allow only https:// origins on an https API, and send HSTS with includeSubDomains.",
    Code.SPECIAL_CHARACTER_ORIGIN: "Parse the Origin with a strict URL parser and compare the serialized origin with an exact "
    "allow-list; do not extract the host by hand.",
    Code.THIRD_PARTY_ORIGIN_TRUSTED: "Remove shared-hosting and code-playground origins from the allow-list: anyone can publish there.",
    Code.LOCALHOST_ORIGIN_TRUSTED: "Keep development origins (localhost) out of the production allow-list.",
    Code.WILDCARD_WITH_CREDENTIALS_AUDIT: "Browsers refuse `*` with credentials. If the API needs cookies, list the front-end origins; if it "
    "does not, drop Access-Control-Allow-Credentials. Do not fix it by echoing the Origin.",
    Code.WILDCARD_ORIGIN: "Fine for public data that needs no cookies. Use an allow-list if replies depend on the user's "
    "network (intranet) or contain anything private.",
    Code.VARYING_ALLOW_ORIGIN_WITHOUT_VARY: "Send `Vary: Origin` on every reply whose Access-Control-Allow-Origin depends on the request's "
    "Origin, including replies without CORS headers.",
    Code.ERROR_REPLY_WITHOUT_CORS_AUDIT: "Add the CORS headers to error replies too: wrap the whole app with the CORS middleware "
    "(Starlette: app = CORSMiddleware(app, ...)); nginx: add_header ... always.",
    Code.PRIVATE_NETWORK_ALLOWED: "Answer `Access-Control-Allow-Private-Network: true` only after the origin passed the allow-list.",
    Code.MALFORMED_ALLOW_ORIGIN: "Send exactly one origin (or `*`) on one line: pick the matching origin from the allow-list.",
}

LEAD = {
    Code.ORIGIN_REFLECTED: "Any origin is allowed: the server echoes the Origin it receives.",
    Code.NULL_ORIGIN_ALLOWED: "The `null` origin (sandboxed iframes, data: and file: pages) is allowed.",
    Code.ORIGIN_PREFIX_MATCH: "Origins that merely start with a trusted name are allowed.",
    Code.ORIGIN_SUFFIX_MATCH: "Origins that merely end with a trusted name are allowed.",
    Code.ORIGIN_SUBSTRING_MATCH: "Origins that are part of a trusted name are allowed.",
    Code.UNESCAPED_DOT_IN_ORIGIN_PATTERN: "A dot of a trusted name matches any character (an unescaped `.` in a pattern).",
    Code.ANY_SUBDOMAIN_TRUSTED: "Any subdomain of a trusted name is allowed.",
    Code.HTTP_ORIGIN_TRUSTED: "The plain-http twin of a trusted https origin is allowed.",
    Code.SPECIAL_CHARACTER_ORIGIN: "Origins with special characters after a trusted name are allowed: the origin parser stops early.",
    Code.THIRD_PARTY_ORIGIN_TRUSTED: "An origin on shared hosting or a code playground is allowed.",
    Code.LOCALHOST_ORIGIN_TRUSTED: "A development origin on localhost is allowed.",
}
