namespace AuthzWebhook.Webhook;

/// <summary>
/// What the webhook sends for one review: its <see cref="Answer"/>, or, when the record was not written in time, no
/// answer (null) and only the decision id to name in the 503.
/// </summary>
internal readonly record struct ReviewOutcome(Guid DecisionId, ReviewAnswer? Answer);
