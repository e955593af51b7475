using Microsoft.Extensions.Options;

namespace AuthzWebhook.Policy;

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add("AuthzWebhook:Policy:Path is required: set it to the policy YAML file (env AuthzWebhook__Policy__Path).");
        }

        if (options.ReloadInterval < TimeSpan.FromMilliseconds(100) || options.ReloadInterval > TimeSpan.FromHours(1))
        {
            failures.Add("AuthzWebhook:Policy:ReloadInterval must be between 00:00:00.1 and 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
