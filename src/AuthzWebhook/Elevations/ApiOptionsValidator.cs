using System.Net;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{ApiOptions.Section}:BindAddress must be an IP address (0.0.0.0 for all).");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{ApiOptions.Section}:Port must be 1-65535 (default 8444).");
        }

        if (string.IsNullOrWhiteSpace(options.CertificatePath) || string.IsNullOrWhiteSpace(options.KeyPath))
        {
            failures.Add($"{ApiOptions.Section}:CertificatePath and KeyPath are required: the API serves HTTPS only (PEM files, e.g. from a cert-manager Secret).");
        }

        if (options.CertificateCheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"{ApiOptions.Section}:CertificateCheckInterval must be positive.");
        }

        if (options.PermitsPerMinute is < 1 or > 100_000)
        {
            failures.Add($"{ApiOptions.Section}:PermitsPerMinute must be 1-100000.");
        }

        if (options.MaxBodyBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{ApiOptions.Section}:MaxBodyBytes must be between 1024 and 1048576.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
