using AuthzWebhook.Identity;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Tests.Identity;

/// <summary>Settings that would fail every API call at the first request stop start-up instead, naming the key to set.</summary>
public sealed class OidcSettingsValidatorTests
{
    [Fact]
    public void Entra_id_needs_instance_tenant_and_client_id()
    {
        var result = Validate(new OidcSettings { Instance = "https://login.microsoftonline.com/", TenantId = "contoso.onmicrosoft.com", ClientId = "api-client-id" }, V2Issuer);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Entra_id_without_an_issuer_url_is_refused_naming_both_token_versions()
    {
        var result = Validate(Entra());

        Assert.True(result.Failed);
        Assert.Contains("AuthzWebhook:Identity:IssuerUrl is required with Entra ID", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("/v2.0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("https://sts.windows.net/<tenant-id>/", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(V2Issuer)]
    [InlineData("https://sts.windows.net/" + Tenant + "/")]
    public void Entra_id_accepts_either_token_versions_issuer(string issuerUrl)
    {
        Assert.True(Validate(Entra(), issuerUrl).Succeeded, Validate(Entra(), issuerUrl).FailureMessage);
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0", "does not name the tenant")]
    [InlineData("http://login.microsoftonline.com/" + Tenant + "/v2.0", "https URL")]
    [InlineData("login.microsoftonline.com", "https URL")]
    public void An_issuer_url_that_cannot_be_the_tenants_is_refused(string issuerUrl, string expected)
    {
        var result = Validate(Entra(), issuerUrl);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generic_issuer_needs_no_issuer_url_but_a_given_one_must_be_https_and_the_authority()
    {
        Assert.True(Validate(Generic()).Succeeded);
        Assert.True(Validate(Generic(), "https://dex.example.com/dex").Succeeded);
        Assert.Contains("https URL", Validate(Generic(), "http://dex.example.com/dex").FailureMessage, StringComparison.Ordinal);
        Assert.Contains("differs from AuthzWebhook:Oidc:Authority", Validate(Generic(), "https://other.example.com").FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_issuer_url_other_than_the_development_issuers_is_refused_while_it_is_enabled()
    {
        var development = new DevelopmentIssuerOptions { Enabled = true };
        var validator = new OidcSettingsValidator(Options.Create(development), Options.Create(new IdentityOptions { IssuerUrl = "https://dex.example.com" }));
        var matching = new OidcSettingsValidator(Options.Create(development), Options.Create(new IdentityOptions { IssuerUrl = development.Issuer }));

        Assert.Contains("development issuer is enabled", validator.Validate(null, new OidcSettings()).FailureMessage, StringComparison.Ordinal);
        Assert.True(matching.Validate(null, new OidcSettings()).Succeeded);
    }

    [Fact]
    public void Entra_id_without_a_tenant_is_refused_naming_tenant_id()
    {
        var result = Validate(new OidcSettings { Instance = "https://login.microsoftonline.com/", ClientId = "api-client-id" });

        Assert.True(result.Failed);
        Assert.Contains("AuthzWebhook:Oidc:TenantId is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generic_issuer_needs_authority_metadata_address_client_id_and_audience()
    {
        Assert.True(Validate(Generic()).Succeeded, Validate(Generic()).FailureMessage);
    }

    [Fact]
    public void A_missing_client_id_is_refused_for_either_kind_of_issuer()
    {
        var generic = Generic();
        generic.ClientId = null;

        var entra = Validate(new OidcSettings { Instance = "https://login.microsoftonline.com/", TenantId = "t" });

        Assert.Contains("AuthzWebhook:Oidc:ClientId is required", Validate(generic).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("AuthzWebhook:Oidc:ClientId is required", entra.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generic_issuer_without_a_metadata_address_is_refused_naming_it()
    {
        var settings = Generic();
        settings.MetadataAddress = null;

        var result = Validate(settings);

        Assert.True(result.Failed);
        Assert.Contains("AuthzWebhook:Oidc:MetadataAddress is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generic_issuer_without_an_audience_is_refused_naming_it()
    {
        var settings = Generic();
        settings.Audience = " ";

        Assert.Contains("AuthzWebhook:Oidc:Audience is required", Validate(settings).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_configured_is_refused_with_how_to_set_up_either_kind_of_issuer()
    {
        var result = Validate(new OidcSettings());

        Assert.True(result.Failed);
        Assert.Contains("Instance, TenantId and ClientId for Entra ID", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Authority", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://idp.example.com/issuer")]
    [InlineData("http://localhost.example.com/issuer")]
    [InlineData("http://10.0.0.5/issuer")]
    [InlineData("ftp://localhost/issuer")]
    [InlineData("idp.example.com/issuer")]
    public void A_generic_issuer_over_plain_http_or_another_scheme_is_refused(string issuer)
    {
        var settings = Generic(issuer);

        var result = Validate(settings);

        Assert.True(result.Failed, issuer);
        Assert.Contains("MetadataAddress", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:8080/issuer")]
    [InlineData("http://127.0.0.1:5556/dex")]
    [InlineData("http://[::1]:8080/issuer")]
    public void Plain_http_is_accepted_only_for_a_provider_on_the_loopback_interface(string issuer)
    {
        var result = Validate(Generic(issuer));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void With_the_development_issuer_no_provider_settings_are_needed()
    {
        var validator = new OidcSettingsValidator(Options.Create(new DevelopmentIssuerOptions { Enabled = true }), Options.Create(new IdentityOptions()));

        Assert.True(validator.Validate(null, new OidcSettings()).Succeeded);
    }

    private static OidcSettings Generic(string issuer = "https://dex.example.com/dex") => new()
    {
        Authority = issuer,
        MetadataAddress = issuer + "/.well-known/openid-configuration",
        ClientId = "authz-webhook",
        Audience = "authz-webhook-api",
    };

    private const string Tenant = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private const string V2Issuer = "https://login.microsoftonline.com/" + Tenant + "/v2.0";

    private static OidcSettings Entra() => new() { Instance = "https://login.microsoftonline.com/", TenantId = Tenant, ClientId = "api-client-id" };

    private static ValidateOptionsResult Validate(OidcSettings settings, string? issuerUrl = null) =>
        new OidcSettingsValidator(Options.Create(new DevelopmentIssuerOptions()), Options.Create(new IdentityOptions { IssuerUrl = issuerUrl })).Validate(null, settings);
}
