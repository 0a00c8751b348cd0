"""CD8xx: cookies on credentialed cross-origin requests, judged by cors_doctor/cookies."""

from __future__ import annotations

from cors_doctor.rules.catalog.rule import Rule
from cors_doctor.rules.codes import Code

_CROSS_SITE_FIX = "Set-Cookie: session=abc; Path=/; HttpOnly; Secure; SameSite=None"
_PAGE = "page https://app.example.com -> fetch('https://api.example.net/login', {credentials: 'include'})\n\n"

RULES = (
    Rule(
        code=Code.SET_COOKIE_WITHOUT_CREDENTIALS,
        name="set-cookie-without-credentials",
        severity="warning",
        title="Set-Cookie on a request without credentials is ignored",
        meaning="The reply carries Set-Cookie, but the cross-origin request was made without credentials: 'include'. "
        "The browser discards the cookie, and would not send it either.",
        why="Credentials are opt-in across origins: without them a cross-origin reply cannot plant cookies.",
        failing="fetch('https://api.example.com/login', {method: 'POST', body})\n\nHTTP/1.1 200 OK\n"
        "Set-Cookie: session=abc; SameSite=None; Secure",
        fixed="fetch('https://api.example.com/login', {method: 'POST', body, credentials: 'include'})\n\n"
        "Access-Control-Allow-Credentials: true",
        ref="CRED-1",
    ),
    Rule(
        code=Code.SET_COOKIE_MALFORMED,
        name="set-cookie-malformed",
        severity="warning",
        title="The browser cannot read this Set-Cookie",
        meaning="The Set-Cookie line has an empty name and value, or a control character: browsers drop it.",
        why="RFC 6265bis tells the cookie store to ignore such lines entirely.",
        failing="Set-Cookie: ; Path=/",
        fixed="Set-Cookie: session=abc; Path=/",
        ref="RFC6265bis 5.6",
    ),
    Rule(
        code=Code.SAMESITE_NONE_WITHOUT_SECURE,
        name="samesite-none-without-secure",
        severity="warning",
        title="SameSite=None without Secure is refused",
        meaning="Chrome and Firefox refuse a cookie with SameSite=None unless it is also Secure (Safari accepts "
        "it). The cookie is never stored.",
        why="Cookies that travel cross-site must at least not travel in clear text.",
        failing="Set-Cookie: session=abc; SameSite=None",
        fixed=_CROSS_SITE_FIX,
        ref="RFC6265bis 5.7",
    ),
    Rule(
        code=Code.SECURE_COOKIE_OVER_HTTP,
        name="secure-cookie-over-http",
        severity="warning",
        title="A Secure cookie cannot be set or sent over http",
        meaning="The cookie is Secure and the API is plain http. Browsers refuse Secure cookies from insecure "
        "URLs; Chrome and Firefox make an exception for http://localhost and http://127.0.0.1, WebKit "
        "(Safari's engine) does not.",
        why="A Secure cookie must never be readable on the network; an http reply could be forged.",
        failing="http://api.example.com/login\n\nSet-Cookie: session=abc; Secure; SameSite=None",
        fixed="https://api.example.com/login\n\nSet-Cookie: session=abc; Secure; SameSite=None",
        ref="RFC6265bis 5.7",
    ),
    Rule(
        code=Code.COOKIE_PREFIX_VIOLATED,
        name="cookie-prefix-violated",
        severity="warning",
        title="The cookie's name prefix demands attributes it lacks",
        meaning="A cookie named __Secure-… must be Secure; one named __Host-… must be Secure, have Path=/ and no "
        "Domain. Browsers refuse the cookie otherwise.",
        why="The prefixes let servers rely on how the cookie was set; the browser enforces the promise.",
        failing="Set-Cookie: __Host-session=abc; Secure; Domain=example.com",
        fixed="Set-Cookie: __Host-session=abc; Secure; Path=/; SameSite=None",
        ref="RFC6265bis 4.1.3",
    ),
    Rule(
        code=Code.COOKIE_DOMAIN_MISMATCH,
        name="cookie-domain-mismatch",
        severity="warning",
        title="The Domain attribute does not cover the host that set it",
        meaning="Domain names a domain the API's host is not within (or a public suffix such as co.uk or github.io, "
        "or an IP address other than the host). The browser refuses the cookie.",
        why="A site may only set cookies for itself and its parent domains below the public suffix.",
        failing="https://api.example.net/login\n\nSet-Cookie: session=abc; Domain=example.com",
        fixed="Set-Cookie: session=abc; Secure; SameSite=None   (no Domain: the cookie belongs to api.example.net)",
        ref="RFC6265bis 5.7",
    ),
    Rule(
        code=Code.SAMESITE_BLOCKS_CROSS_SITE,
        name="samesite-blocks-cross-site",
        severity="warning",
        title="A SameSite=Lax or Strict cookie does not travel cross-site",
        meaning="The page and the API are different sites (registrable domains, and in Chrome also schemes: "
        "http://app.example.com and https://api.example.com are cross-site). A Lax or Strict cookie is "
        "neither stored from nor sent with a cross-site fetch(), whatever the CORS headers say.",
        why="SameSite is the cookie's own defence against cross-site request forgery.",
        failing=_PAGE + "Set-Cookie: session=abc; Secure; SameSite=Lax",
        fixed=_CROSS_SITE_FIX + "\n# or: serve the "
        "API from the page's site (api.example.com, or /api behind a reverse proxy)",
        ref="CRED-4",
    ),
    Rule(
        code=Code.SAMESITE_LAX_BY_DEFAULT,
        name="samesite-lax-by-default",
        severity="warning",
        title="Without SameSite, Chrome treats the cookie as Lax",
        meaning="The cookie has no SameSite attribute (or an unknown value). Chrome then applies SameSite=Lax, so "
        "the cookie is neither stored from nor sent with a cross-site fetch(). For --cookie: a cookie set "
        "without SameSite is not attached.",
        why="Lax by default protects sites that never thought about cross-site requests.",
        failing=_PAGE + "Set-Cookie: session=abc; Secure; HttpOnly",
        fixed=_CROSS_SITE_FIX,
        ref="CRED-4",
    ),
    Rule(
        code=Code.THIRD_PARTY_COOKIES_BLOCKED,
        name="third-party-cookies-blocked",
        severity="warning",
        title="The browser blocks third-party cookies",
        meaning="The API is on another site than the page, so its cookies are third-party cookies, and this browser "
        "blocks them whatever the server does: Safari always, Chrome in Incognito or when the user or an "
        "enterprise policy blocks them, Firefox in strict mode.",
        why="Third-party cookies let sites follow users across the web; browsers block them for privacy.",
        failing=_PAGE + "Set-Cookie: session=abc; Secure; SameSite=None",
        fixed="serve the API from the page's site: https://api.example.com or https://app.example.com/api "
        "(reverse proxy)\n# or: send a token in the Authorization header instead of a cookie",
        ref="CRED-4",
    ),
    Rule(
        code=Code.PARTITIONED_WITHOUT_SECURE,
        name="partitioned-without-secure",
        severity="warning",
        title="A Partitioned cookie must be Secure",
        meaning="Chrome refuses a cookie with the Partitioned attribute (CHIPS) unless it is also Secure.",
        why="Partitioned cookies are a cross-site mechanism and share its https requirement.",
        failing="Set-Cookie: session=abc; SameSite=None; Partitioned",
        fixed="Set-Cookie: session=abc; Secure; SameSite=None; Partitioned; Path=/",
        ref="CHIPS",
    ),
    Rule(
        code=Code.COOKIE_PARTITIONED,
        name="cookie-partitioned",
        severity="info",
        title="The cookie lives in a jar for the page's site",
        meaning="The cookie is stored in a partition keyed by the page's (top-level) site: because it is "
        "Partitioned (CHIPS), or because the browser partitions third-party cookies (Firefox's Total "
        "Cookie Protection). It is sent back while the page is on that site, never from another site.",
        why="Partitioning keeps embedded services working without letting them track users across sites.",
        failing=_PAGE + "Set-Cookie: session=abc; Secure; SameSite=None; Partitioned",
        fixed="(nothing to fix for one front end; a session shared by several sites needs the API on their site)",
        ref="CHIPS",
    ),
    Rule(
        code=Code.COOKIE_PATH_MISMATCH,
        name="cookie-path-mismatch",
        severity="warning",
        title="The cookie's Path does not cover this URL",
        meaning="The cookie is stored, but its Path attribute does not match the request path, so it is not sent "
        "with requests to this URL.",
        why="Path limits which URLs of the host receive the cookie.",
        failing="GET /api/me\n\nSet-Cookie: session=abc; Secure; SameSite=None; Path=/auth",
        fixed="Set-Cookie: session=abc; Secure; SameSite=None; Path=/",
        ref="RFC6265bis 5.8",
    ),
    Rule(
        code=Code.THIRD_PARTY_COOKIE,
        name="third-party-cookie",
        severity="info",
        title="A third-party cookie: it works only where third-party cookies are allowed",
        meaning="Chrome stores and sends this cross-site cookie with its default settings, but not in Incognito, "
        "nor when the user or an enterprise policy blocks third-party cookies; Safari never does.",
        why="Third-party cookies are blocked more and more for privacy; Partitioned cookies are not.",
        failing=_PAGE + "Set-Cookie: session=abc; Secure; SameSite=None",
        fixed="Set-Cookie: session=abc; Secure; SameSite=None; Partitioned; Path=/\n"
        "# or: serve the API from the page's site",
        ref="CHIPS",
    ),
    Rule(
        code=Code.SAMESITE_DEFAULT_DIFFERS,
        name="samesite-default-differs",
        severity="info",
        title="Works here, but Chrome treats a cookie without SameSite as Lax",
        meaning="Firefox and Safari do not apply Lax by default, so this cross-site cookie works there; Chrome "
        "refuses it. Set SameSite=None; Secure so every browser agrees.",
        why="Browsers differ on the default; only an explicit SameSite is portable.",
        failing=_PAGE + "Set-Cookie: session=abc; Secure",
        fixed=_CROSS_SITE_FIX,
        ref="CRED-4",
    ),
)
