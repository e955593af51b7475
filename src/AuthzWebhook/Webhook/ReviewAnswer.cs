namespace AuthzWebhook.Webhook;

/// <summary>What goes back to the API server for one review.</summary>
internal readonly record struct ReviewAnswer(Guid DecisionId, bool Allowed, bool Denied, string Reason, string? EvaluationError);
