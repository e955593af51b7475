using Microsoft.Extensions.Options;

namespace AuthzWebhook.Windows;

internal sealed class WindowOptionsValidator : IValidateOptions<WindowOptions>
{
    public ValidateOptionsResult Validate(string? name, WindowOptions options)
    {
        var failures = new List<string>();
        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add("AuthzWebhook:Windows:HeartbeatInterval must be positive, e.g. 00:00:01.");
        }

        if (options.ReconcileInterval <= TimeSpan.Zero)
        {
            failures.Add("AuthzWebhook:Windows:ReconcileInterval must be positive, e.g. 00:00:10.");
        }

        // Otherwise a healthy replica would flap into degraded mode between two confirmations.
        if (options.StalenessBound <= options.ReconcileInterval || options.StalenessBound <= options.HeartbeatInterval)
        {
            failures.Add("AuthzWebhook:Windows:StalenessBound must be longer than both ReconcileInterval and HeartbeatInterval (e.g. 3x ReconcileInterval).");
        }

        if (options.MaxTimeWithoutPostgres < options.StalenessBound)
        {
            failures.Add("AuthzWebhook:Windows:MaxTimeWithoutPostgres must be at least StalenessBound (default 00:05:00).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
