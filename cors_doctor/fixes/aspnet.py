"""ASP.NET Core: a named CORS policy with exact origins, applied after UseRouting.

Never AllowAnyOrigin() with AllowCredentials() (start-up exception) and never
SetIsOriginAllowed(_ => true) (reflects every origin).
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, literal_list, make_suggestion


def _args(items: tuple[str, ...]) -> str:
    return literal_list(items, "", "")


def render(needs: CorsNeeds) -> FixSuggestion:
    services = [
        'builder.Services.AddCors(options => options.AddPolicy("Frontend", policy => policy',
        f"    .WithOrigins({_args(needs.allowed_origins)})  // exact origins, no trailing slash",
        f"    .WithMethods({_args(needs.methods)})",
    ]
    if needs.headers:
        services.append(f"    .WithHeaders({_args(needs.headers)})")
    if needs.credentials:
        services.append("    .AllowCredentials()")
    if needs.expose:
        services.append(f"    .WithExposedHeaders({_args(needs.expose)})")
    services.append("    .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));")
    pipeline = [
        'app.UseCors("Frontend");  // after app.UseRouting() if you call it; before UseAuthentication,',
        "                            // UseAuthorization and the Map... calls",
    ]
    parts = [
        FixPart("services", "in Program.cs, before var app = builder.Build();", "\n".join(services)),
        FixPart(
            "pipeline",
            "in Program.cs, after var app = builder.Build() and app.UseRouting(), before app.UseAuthentication()",
            "\n".join(pipeline),
        ),
    ]
    notes = []
    if needs.preflight_not_ok or needs.preflight_routed:
        notes.append(
            "When no policy applies, OPTIONS goes on to routing (405); when the policy refuses, Kestrel answers "
            "204 without CORS headers. UseCors must come after UseRouting and before authorization."
        )
    if needs.auth_on_preflight:
        notes.append(
            "The preflight got 401/403: UseCors runs after UseAuthentication/UseAuthorization. Move it before them."
        )
    if needs.errors_lack_cors:
        notes.append(
            "Unhandled exceptions answered by the developer exception page go out without CORS headers: put "
            "app.UseExceptionHandler(...) first so error replies pass through the CORS middleware."
        )
    return make_suggestion("aspnet", "csharp", parts, notes)
