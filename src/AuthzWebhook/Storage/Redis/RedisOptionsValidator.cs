using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthzWebhook.Storage.Redis;

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("AuthzWebhook:Redis:Configuration is required, e.g. 'redis:6379' (env AuthzWebhook__Redis__Configuration).");
        }
        else
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"AuthzWebhook:Redis:Configuration is not a valid StackExchange.Redis configuration: {ex.Message}");
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 64)
        {
            failures.Add("AuthzWebhook:Redis:KeyPrefix must be 1 to 64 characters, e.g. 'authzwebhook:'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
