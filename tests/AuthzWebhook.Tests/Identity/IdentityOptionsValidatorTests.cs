using AuthzWebhook.Identity;

namespace AuthzWebhook.Tests.Identity;

public sealed class IdentityOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        var result = new IdentityOptionsValidator().Validate(null, new IdentityOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_typical_api_server_setup_is_valid()
    {
        var options = new IdentityOptions
        {
            UsernameClaim = "email",
            UsernamePrefix = "oidc:",
            GroupsClaim = "groups",
            GroupsPrefix = "oidc:",
            AdminGroups = ["oidc:authz-admins"],
            AuditorGroups = ["oidc:auditors"],
            IncidentToolGroups = ["oidc:incident-tool"],
            MfaAcrValues = ["possessionorinherence"],
            ClockSkew = TimeSpan.FromMinutes(5),
        };

        Assert.True(new IdentityOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("", "groups", "AuthzWebhook:Identity:UsernameClaim is required")]
    [InlineData(" ", "groups", "AuthzWebhook:Identity:UsernameClaim is required")]
    [InlineData("email", "", "AuthzWebhook:Identity:GroupsClaim is required")]
    public void A_blank_claim_name_is_refused_naming_the_key(string usernameClaim, string groupsClaim, string expected)
    {
        var result = new IdentityOptionsValidator().Validate(null, new IdentityOptions { UsernameClaim = usernameClaim, GroupsClaim = groupsClaim });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AdminGroups")]
    [InlineData("AuditorGroups")]
    [InlineData("IncidentToolGroups")]
    public void An_empty_role_group_name_is_refused_naming_the_list(string key)
    {
        var options = new IdentityOptions();
        string[] groups = ["oidc:ok", " "];
        switch (key)
        {
            case "AdminGroups":
                options.AdminGroups = groups;
                break;
            case "AuditorGroups":
                options.AuditorGroups = groups;
                break;
            default:
                options.IncidentToolGroups = groups;
                break;
        }

        var result = new IdentityOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"AuthzWebhook:Identity:{key} contains an empty group name", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void A_clock_skew_outside_zero_to_five_minutes_is_refused(int seconds)
    {
        var result = new IdentityOptionsValidator().Validate(null, new IdentityOptions { ClockSkew = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Failed);
        Assert.Contains("AuthzWebhook:Identity:ClockSkew", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var result = new IdentityOptionsValidator().Validate(null, new IdentityOptions { UsernameClaim = "", GroupsClaim = "", AdminGroups = [""], ClockSkew = TimeSpan.FromHours(1) });

        Assert.Equal(4, result.Failures!.Count());
    }
}
