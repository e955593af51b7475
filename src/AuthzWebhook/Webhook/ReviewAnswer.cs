using AuthzWebhook.Windows;

namespace AuthzWebhook.Webhook;

/// <summary>
/// What goes back to the API server for one review, the ticket of its record in the record buffer (0: none), and the
/// window an allow rests on.
/// </summary>
internal readonly record struct ReviewAnswer(Guid DecisionId, bool Allowed, bool Denied, string Reason, string? EvaluationError, long RecordTicket = 0, ElevationWindow? Window = null);
