namespace AuthzWebhook.Identity;

/// <summary>The keys of the Microsoft.Identity.Web section this service relies on, read only to check them at start-up.</summary>
internal sealed class OidcSettings
{
    public string? Instance { get; set; }

    public string? TenantId { get; set; }

    public string? Authority { get; set; }

    public string? MetadataAddress { get; set; }

    public string? ClientId { get; set; }

    public string? Audience { get; set; }
}
