namespace AuthzWebhook.Notifications;

/// <summary>Who wrote a piece of a notification sentence, and so how a format must render it.</summary>
internal enum TextPartKind
{
    /// <summary>Our own wording ("requested", "approved by", "(1 of 2)", times): safe to emphasise.</summary>
    Ours,

    /// <summary>A name: a person from a token, a template, a namespace, a duration. Untrusted, kept short.</summary>
    Name,

    /// <summary>Free text a person typed: a reason, a comment, a ticket. Untrusted.</summary>
    FreeText,
}
