using AuthzWebhook.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Tests.Identity;

/// <summary>Only the configured issuer passes, and only after the provider's own check has passed.</summary>
public sealed class ExactIssuerValidatorTests
{
    private const string V2 = "https://login.microsoftonline.com/t1/v2.0";
    private static readonly SecurityToken Token = new JsonWebToken("eyJhbGciOiJSUzI1NiJ9.e30.");

    [Fact]
    public void The_configured_issuer_passes()
    {
        Assert.Equal(V2, new ExactIssuerValidator(V2, null).Validate(V2, Token, new TokenValidationParameters()));
    }

    [Theory]
    [InlineData("https://sts.windows.net/t1/")]
    [InlineData("https://login.microsoftonline.com/t1/v2.0/")]
    [InlineData("https://login.microsoftonline.com/T1/v2.0")]
    public void Any_other_spelling_is_refused_naming_the_accepted_one(string issuer)
    {
        var refused = Assert.Throws<IssuerNotAcceptedException>(() => new ExactIssuerValidator(V2, null).Validate(issuer, Token, new TokenValidationParameters()));

        Assert.Equal(V2, refused.Accepted);
        Assert.Contains("AuthzWebhook:Identity:IssuerUrl", AuthenticationProblems.Describe(refused), StringComparison.Ordinal);
    }

    [Fact]
    public void The_providers_own_refusal_stands()
    {
        IssuerValidator refusing = (_, _, _) => throw new SecurityTokenInvalidIssuerException("another tenant");

        Assert.Throws<SecurityTokenInvalidIssuerException>(() => new ExactIssuerValidator(V2, refusing).Validate(V2, Token, new TokenValidationParameters()));
    }
}
