using System.Net;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

internal sealed class ApiOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApiOptions>
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
        else
        {
            // Checked here so that a missing file is named among the start-up problems, not met later as a stack trace.
            foreach (var (key, path) in new[] { ("CertificatePath", options.CertificatePath), ("KeyPath", options.KeyPath) })
            {
                if (!File.Exists(Path.GetFullPath(path, environment.ContentRootPath)))
                {
                    failures.Add($"{ApiOptions.Section}:{key} names {path}, which does not exist: it must be the API's TLS {(key == "KeyPath" ? "private key" : "certificate")} (PEM).");
                }
            }
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

        if (options.PermitsPerMinutePerAddress is < 1 or > 1_000_000)
        {
            failures.Add($"{ApiOptions.Section}:PermitsPerMinutePerAddress must be 1-1000000.");
        }

        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                failures.Add($"{ApiOptions.Section}:TrustedProxies:{i} ('{options.TrustedProxies[i]}') must be an address range in CIDR notation, such as 10.0.0.0/8 (/32 or /128 for one address).");
            }
        }

        for (var i = 0; i < options.Cors.AllowedOrigins.Length; i++)
        {
            if (OriginProblem(options.Cors.AllowedOrigins[i]) is { } problem)
            {
                failures.Add($"{ApiOptions.Section}:Cors:AllowedOrigins:{i} {problem}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Browsers send the origin as exactly <c>scheme://host[:port]</c> in lower case; anything else would never match, and a
    /// wildcard or plain HTTP would let any page (or a network attacker's) drive the API with a user's token.
    /// </summary>
    private static string? OriginProblem(string origin)
    {
        if (origin.Contains('*', StringComparison.Ordinal))
        {
            return $"('{origin}') must not contain a wildcard: list each origin that may call the API.";
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"('{origin}') must be an https origin, such as https://portal.example.com.";
        }

        return uri.UserInfo.Length == 0 && string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            ? null
            : $"('{origin}') must be only https://host[:port] in lower case, without a path or trailing slash, as browsers send it (here: {uri.GetLeftPart(UriPartial.Authority)}).";
    }
}
