namespace AuthzWebhook.Policy;

internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Policy {Source} loaded: {TemplateCount} templates, {GuardrailCount} guardrails (sha256 {Hash})")]
    public static partial void PolicyLoaded(ILogger logger, string source, int templateCount, int guardrailCount, string hash);

    [LoggerMessage(1002, LogLevel.Information, "Policy {Source} reloaded: {TemplateCount} templates, {GuardrailCount} guardrails (sha256 {Hash})")]
    public static partial void PolicyReloaded(ILogger logger, string source, int templateCount, int guardrailCount, string hash);

    [LoggerMessage(1003, LogLevel.Error, "Policy reload refused; keeping the last good policy (sha256 {Hash}). {Problem}")]
    public static partial void PolicyReloadFailed(ILogger logger, string hash, string problem);
}
