namespace AuthzWebhook.Policy;

internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Policy {Source} loaded: {TemplateCount} templates, {GuardrailCount} guardrails (sha256 {Hash})")]
    public static partial void PolicyLoaded(ILogger logger, string source, int templateCount, int guardrailCount, string hash);

    [LoggerMessage(1002, LogLevel.Information, "Policy {Source} reloaded: {TemplateCount} templates, {GuardrailCount} guardrails (sha256 {Hash})")]
    public static partial void PolicyReloaded(ILogger logger, string source, int templateCount, int guardrailCount, string hash);

    [LoggerMessage(1003, LogLevel.Error, "Policy reload refused; keeping the last good policy (sha256 {Hash}). {Problem}")]
    public static partial void PolicyReloadFailed(ILogger logger, string hash, string problem);

    [LoggerMessage(1004, LogLevel.Warning, "Policy {Source} reloaded (sha256 {Hash}) with templates that may grant more than before: {Templates}. Active elevations of these templates get the new rules at once, without a new approval: {LiveWindows} windows on this replica")]
    public static partial void PolicyWidened(ILogger logger, string source, string hash, string templates, int liveWindows);
}
