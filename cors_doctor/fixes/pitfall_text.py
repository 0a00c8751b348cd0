"""What to tell the user per framework when a pitfall shows up: causes, and the knob that fixes it.

Plain wording only; the detection lives in cors_doctor/diagnosis/pitfalls.py.
"""

from __future__ import annotations

HANDLE_PREFLIGHT = {
    "fastapi": "add CORSMiddleware (app.add_middleware(CORSMiddleware, ...)): it answers preflights before routing",
    "flask": "CORS(app, origins=[...]) from flask-cors answers OPTIONS for every route it covers",
    "django": "put corsheaders.middleware.CorsMiddleware first in MIDDLEWARE: it answers preflights itself",
    "express": "app.use(cors({...})) before the routes; per-route cors() also needs app.options(path, cors(...))",
    "nginx": "answer OPTIONS in the location: if ($request_method = OPTIONS) { add_header ... always; return 204; }",
    "apache": "answer OPTIONS with mod_rewrite (RewriteRule ^ - [R=204,L]) and Header always set",
    "caddy": 'answer OPTIONS with a @preflight matcher: handle @preflight { header ...; respond "" 204 }',
    "spring": "register a CorsConfigurationSource (and http.cors() with Spring Security)",
    "aspnet": "app.UseCors(policy) after UseRouting; on IIS also remove the WebDAV module / OPTIONSVerbHandler",
    "go": "wrap the handler with cors.New(cors.Options{...}).Handler(handler)",
}
AUTH_FIRST = {
    "fastapi": "CORSMiddleware must be the outermost layer: add it after your other middleware, or wrap the app "
    "(app = CORSMiddleware(app, ...))",
    "flask": "let OPTIONS through your auth check (flask-cors answers it) or exempt request.method == 'OPTIONS'",
    "django": "put CorsMiddleware first in MIDDLEWARE, above authentication middleware",
    "express": "mount app.use(cors({...})) before the auth middleware",
    "nginx": "answer OPTIONS with 204 before auth_basic / auth_request run (if ... return 204 in the location)",
    "apache": "exempt OPTIONS: <LimitExcept OPTIONS> Require valid-user </LimitExcept>",
    "caddy": "handle the preflight before basicauth / forward_auth",
    "spring": "enable CORS in Spring Security: http.cors(Customizer.withDefaults())",
    "aspnet": "call app.UseCors(...) before UseAuthentication() and UseAuthorization()",
    "go": "wrap the auth middleware with the cors handler, not the other way round",
}
REFLECTION_CAUSE = {
    "fastapi": 'allow_origins=["*"] with allow_credentials=True (Starlette 1.0+ then echoes every origin), '
    'or allow_origin_regex=".*"',
    "flask": "CORS(app, supports_credentials=True) without origins=[...]: the default origins='*' echoes every origin",
    "django": "CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS = True, or a catch-all CORS_ALLOWED_ORIGIN_REGEXES",
    "express": "cors({origin: true, credentials: true}), or an origin callback that accepts everything",
    "nginx": "add_header Access-Control-Allow-Origin $http_origin (instead of a map allow-list)",
    "apache": 'Header set Access-Control-Allow-Origin "expr=%{req:Origin}", or a SetEnvIf Origin pattern that is not anchored',
    "caddy": 'Access-Control-Allow-Origin "{header.Origin}" without a matcher listing the origins',
    "spring": 'setAllowedOriginPatterns(List.of("*")) with setAllowCredentials(true)',
    "aspnet": "SetIsOriginAllowed(_ => true) with AllowCredentials()",
    "go": "an AllowOriginFunc that returns true, with AllowCredentials: true",
}
WILDCARD_CAUSE = {
    "fastapi": 'allow_origins=["*"] with allow_credentials=True',
    "go": "AllowedOrigins left empty (every origin) with AllowCredentials: true",
    "nginx": 'add_header Access-Control-Allow-Origin "*" next to Access-Control-Allow-Credentials "true"',
}
DEFAULT_METHODS = {
    "fastapi": ({"GET"}, "Starlette's allow_methods defaults to GET only"),
    "spring": ({"GET", "HEAD"}, "Spring's CorsConfiguration allows GET and HEAD unless told otherwise"),
    "go": ({"GET", "POST", "HEAD"}, "rs/cors allows GET, POST and HEAD by default"),
}
_CRASH_CAUSE = {
    "fastapi": "an unhandled exception becomes a 500 in Starlette's ServerErrorMiddleware, which sits outside "
    "CORSMiddleware, so that reply never gets CORS headers",
    "django": "replies from handler500 (unhandled exceptions) do not pass through the CORS middleware",
    "express": "Express's error handler answered; an origin callback that calls cb(err) also ends up here",
    "aspnet": "the developer exception page answered outside the CORS middleware",
    "flask": "flask-cors adds headers to Flask's own 500s, so this reply came from outside Flask "
    "(the WSGI server or a proxy) or from a route CORS(app) does not cover",
}
_CRASH_FIX = {
    "fastapi": "fix the exception (see the server log); wrap the whole app, app = CORSMiddleware(app, ...), so "
    "errors reach the browser with CORS headers",
    "django": "fix the exception (see the server log); CORS headers cannot be added to handler500 replies",
    "express": "fix the error; mount cors() before all routes and error handlers, and make origin callbacks call cb(null, false)",
    "aspnet": "fix the exception; call app.UseExceptionHandler(...) before UseCors so error replies get CORS headers",
}


def crash_cause(framework: str) -> str:
    """Why an unhandled error reaches the browser without CORS headers in `framework`."""
    return _CRASH_CAUSE.get(framework, "the error reply is produced outside the CORS layer")


def crash_fix(framework: str) -> str:
    return _CRASH_FIX.get(
        framework, "fix the error (see the server log), and make the CORS layer wrap the error handling"
    )
