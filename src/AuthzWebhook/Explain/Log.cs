namespace AuthzWebhook.Explain;

internal static partial class Log
{
    // A dry run writes no decision record, so that probing what the policy denies or watches is still seen.
    [LoggerMessage(11001, LogLevel.Information, "Explain for {User}: {Verb} {Resource} in '{Namespace}' would be {Decision} (guardrail {Guardrail}, audit guardrails {AuditGuardrails})")]
    public static partial void Explained(ILogger logger, string user, string verb, string resource, string @namespace, string decision, string guardrail, int auditGuardrails);
}
