using Microsoft.Extensions.Options;

namespace AuthzWebhook.Identity;

internal sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.UsernameClaim))
        {
            failures.Add($"{IdentityOptions.Section}:UsernameClaim is required: use the claim the API server's --oidc-username-claim names (e.g. email).");
        }

        if (string.IsNullOrWhiteSpace(options.GroupsClaim))
        {
            failures.Add($"{IdentityOptions.Section}:GroupsClaim is required: use the claim the API server's --oidc-groups-claim names (e.g. groups).");
        }

        foreach (var (key, groups) in new[] { ("AdminGroups", options.AdminGroups), ("AuditorGroups", options.AuditorGroups), ("IncidentToolGroups", options.IncidentToolGroups) })
        {
            if (groups.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{IdentityOptions.Section}:{key} contains an empty group name.");
            }
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{IdentityOptions.Section}:ClockSkew must be between 00:00:00 and 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
