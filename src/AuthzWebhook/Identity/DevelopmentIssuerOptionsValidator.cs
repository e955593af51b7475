using Microsoft.Extensions.Options;

namespace AuthzWebhook.Identity;

/// <summary>Keeps the development issuer out of every environment but Development: anyone with its key could mint admin tokens.</summary>
internal sealed class DevelopmentIssuerOptionsValidator(IHostEnvironment environment) : IValidateOptions<DevelopmentIssuerOptions>
{
    public ValidateOptionsResult Validate(string? name, DevelopmentIssuerOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
#if NO_DEVELOPMENT_ISSUER
        failures.Add($"{DevelopmentIssuerOptions.Section}:Enabled=true is refused: this build (the container image) has no development token issuer. " +
            "Configure AuthzWebhook:Oidc for a real identity provider.");
#endif
        if (!environment.IsDevelopment())
        {
            failures.Add($"{DevelopmentIssuerOptions.Section}:Enabled=true is refused in the '{environment.EnvironmentName}' environment: " +
                $"the development token issuer works only with ASPNETCORE_ENVIRONMENT=Development. Configure AuthzWebhook:Oidc for a real identity provider instead.");
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")))
        {
            failures.Add($"{DevelopmentIssuerOptions.Section}:Enabled=true is refused inside a Kubernetes pod, whatever the environment name: " +
                "the development token issuer is for a laptop.");
        }

        if (string.IsNullOrWhiteSpace(options.SigningKeyPath))
        {
            failures.Add($"{DevelopmentIssuerOptions.Section}:SigningKeyPath is required.");
        }

        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{DevelopmentIssuerOptions.Section}:Issuer must be an absolute https:// URI (token verifiers such as kube-apiserver fetch its discovery document over HTTPS), e.g. https://127.0.0.1:8444/dev-issuer.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{DevelopmentIssuerOptions.Section}:Audience is required.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add($"{DevelopmentIssuerOptions.Section}:TokenLifetime must be more than zero and at most one day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
