namespace AuthzWebhook.Notifications;

/// <summary>
/// One piece of a notification sentence. Sentences are kept in pieces so that each format can tell our wording
/// from user text, which it must render as plain text (<see cref="UserText"/>).
/// </summary>
internal readonly record struct TextPart(string Text, TextPartKind Kind)
{
    public bool IsUserText => Kind != TextPartKind.Ours;
}
