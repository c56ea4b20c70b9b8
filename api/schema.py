"""How drf-spectacular describes the partner key in the OpenAPI schema (imported when the app loads)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.access.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_requirement(self, auto_schema):
        # The key is optional: anonymous clients are served too, under a tighter limit ({} is "no key").
        return [{self.name: []}, {}]

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`, as issued in the admin (Syndication API → Partner API keys).",
        }
