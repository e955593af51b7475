using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AuthzWebhook.Elevations;

/// <summary>Declares in the OpenAPI document that every operation takes an OIDC bearer token.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    private const string Scheme = "oidc-bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "AuthzWebhook elevation API";
        document.Info.Description = "Request, approve, reject, revoke and extend just-in-time Kubernetes elevations. Errors are RFC 7807 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from the configured OpenID Connect provider for this API's audience.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] }];
        return Task.CompletedTask;
    }
}
