namespace AuthzWebhook.Decisions;

internal enum DecisionOutcome
{
    NoOpinion,
    Allow,
    Deny,
}
