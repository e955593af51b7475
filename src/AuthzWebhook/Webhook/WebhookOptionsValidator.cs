using System.Net;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Webhook;

internal sealed class WebhookOptionsValidator(IHostEnvironment environment) : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"AuthzWebhook:Webhook:BindAddress '{options.BindAddress}' is not an IP address; use 0.0.0.0 for all interfaces.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add("AuthzWebhook:Webhook:Port must be 1-65535 (default 8443).");
        }

        RequireFile(failures, "CertificatePath", options.CertificatePath, "the webhook's TLS certificate (PEM)");
        RequireFile(failures, "KeyPath", options.KeyPath, "the private key of that certificate (PEM)");
        RequireFile(failures, "ClientCaPath", options.ClientCaPath, "the CA bundle (PEM) that signs the API server's client certificate");
        if (options.CertificateCheckInterval < TimeSpan.FromMilliseconds(100) || options.CertificateCheckInterval > TimeSpan.FromHours(1))
        {
            failures.Add("AuthzWebhook:Webhook:CertificateCheckInterval must be between 00:00:00.1 and 01:00:00 (default 00:00:30).");
        }

        if (Array.Exists(options.AllowedClientNames, string.IsNullOrWhiteSpace))
        {
            failures.Add("AuthzWebhook:Webhook:AllowedClientNames must not contain empty names; list the API server client certificate's CN or DNS SAN.");
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("AuthzWebhook:Webhook:MaxBodyBytes must be between 1024 and 16777216 (default 65536).");
        }

        // The lower bounds keep every review a real API server sends acceptable: 7 levels of nesting, 253-character names.
        if (options.MaxJsonDepth is < 8 or > 64)
        {
            failures.Add("AuthzWebhook:Webhook:MaxJsonDepth must be between 8 and 64 (default 16).");
        }

        if (options.MaxStringLength is < 253 or > 65536)
        {
            failures.Add("AuthzWebhook:Webhook:MaxStringLength must be between 253 (the longest Kubernetes name) and 65536 (default 1024).");
        }

        if (options.MaxGroups is < 1 or > 65536)
        {
            failures.Add("AuthzWebhook:Webhook:MaxGroups must be between 1 and 65536 (default 512).");
        }

        if (options.MaxExtraKeys is < 1 or > 4096)
        {
            failures.Add("AuthzWebhook:Webhook:MaxExtraKeys must be between 1 and 4096 (default 64).");
        }

        if (options.MaxExtraValues is < 1 or > 65536)
        {
            failures.Add("AuthzWebhook:Webhook:MaxExtraValues must be between 1 and 65536 (default 256).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void RequireFile(List<string> failures, string key, string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"AuthzWebhook:Webhook:{key} is required: the path of {what}.");
        }
        else if (!File.Exists(Path.GetFullPath(path, environment.ContentRootPath)))
        {
            failures.Add($"AuthzWebhook:Webhook:{key} names {path}, which does not exist: it must be {what}.");
        }
    }
}
