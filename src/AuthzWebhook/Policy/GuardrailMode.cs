namespace AuthzWebhook.Policy;

/// <summary><c>Enforce</c> denies; <c>Audit</c> only records what it would have denied, for a safe roll-out.</summary>
internal enum GuardrailMode
{
    Enforce,
    Audit,
}
