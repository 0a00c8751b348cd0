"""Spring Boot: a CorsConfigurationSource bean, picked up by Spring Security's http.cors().

Origins go in setAllowedOrigins (exact values), never in setAllowedOriginPatterns("*"), which
echoes every origin and is allowed together with credentials.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, literal_list, make_suggestion


def _list(items: tuple[str, ...]) -> str:
    return literal_list(items, "List.of(", ")")


def render(needs: CorsNeeds) -> FixSuggestion:
    lines = [
        "import java.util.List;",
        "import org.springframework.context.annotation.Bean;",
        "import org.springframework.context.annotation.Configuration;",
        "import org.springframework.web.cors.CorsConfiguration;",
        "import org.springframework.web.cors.CorsConfigurationSource;",
        "import org.springframework.web.cors.UrlBasedCorsConfigurationSource;",
        "import org.springframework.web.filter.CorsFilter;",
        "",
        "@Configuration",
        "public class CorsConfig {",
        "    @Bean",
        "    CorsConfigurationSource corsConfigurationSource() {",
        "        CorsConfiguration cors = new CorsConfiguration();",
        f"        cors.setAllowedOrigins({_list(needs.allowed_origins)});  // exact origins",
        f"        cors.setAllowedMethods({_list(needs.methods)});  // the default is GET, HEAD",
    ]
    if needs.headers:
        lines.append(f"        cors.setAllowedHeaders({_list(needs.headers)});")
    if needs.credentials:
        lines.append('        cors.setAllowCredentials(true);  // never with "*" or setAllowedOriginPatterns("*")')
    if needs.expose:
        lines.append(f"        cors.setExposedHeaders({_list(needs.expose)});")
    lines += [
        "        cors.setMaxAge(600L);",
        "        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();",
        '        source.registerCorsConfiguration("/**", cors);',
        "        return source;",
        "    }",
        "",
        "    @Bean  // applies it to Spring MVC; Spring Security uses it through http.cors(...)",
        "    CorsFilter corsFilter(CorsConfigurationSource corsConfigurationSource) {",
        "        return new CorsFilter(corsConfigurationSource);",
        "    }",
        "}",
    ]
    notes = [
        "With Spring Security, also enable CORS in the filter chain so preflights are answered before "
        "authentication: http.cors(Customizer.withDefaults()). Remove other CORS settings (@CrossOrigin, "
        "addCorsMappings) that would disagree with this one.",
    ]
    if needs.auth_on_preflight:
        notes.append("The preflight got 401/403: Spring Security ran before CORS. http.cors(...) fixes exactly this.")
    if needs.preflight_not_ok and not needs.auth_on_preflight:
        notes.append(
            '403 "Invalid CORS request" means DefaultCorsProcessor rejected the origin, method or a header: '
            "each must be in the lists above."
        )
    if needs.errors_lack_cors:
        notes.append(
            "Error replies (/error) are produced after the CORS filter ran; make sure CorsFilter / http.cors() "
            "covers the error dispatch, or handle exceptions with @ControllerAdvice."
        )
    placement = "a new file CorsConfig.java in your application's package"
    return make_suggestion("spring", "java", [FixPart("class", placement, "\n".join(lines))], notes)
