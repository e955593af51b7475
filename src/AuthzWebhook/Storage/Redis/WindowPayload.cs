using System.Text.Json.Serialization;
using AuthzWebhook.Windows;

namespace AuthzWebhook.Storage.Redis;

/// <summary>An elevation window as stored in Redis and sent on the change feed.</summary>
internal sealed record WindowPayload(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("subject_kind")] string SubjectKind,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("namespaces")] string[] Namespaces,
    [property: JsonPropertyName("eligibility_group")] string EligibilityGroup,
    [property: JsonPropertyName("starts_at")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt,
    [property: JsonPropertyName("version")] long Version)
{
    public static WindowPayload From(ElevationWindow w) => new(
        w.Id, SubjectKindNames.ToName(w.SubjectKind), w.Subject, w.Template, w.Namespaces, w.EligibilityGroup, w.StartsAt, w.ExpiresAt, w.RevokedAt, w.Version);

    /// <summary>Null when the payload does not describe a usable window (Redis content is checked, not trusted).</summary>
    public ElevationWindow? ToWindow()
    {
        if (!SubjectKindNames.TryParse(SubjectKind, out var kind) || string.IsNullOrEmpty(Subject) || string.IsNullOrEmpty(Template)
            || string.IsNullOrEmpty(EligibilityGroup) || Namespaces is null || Array.Exists(Namespaces, string.IsNullOrEmpty)
            || ExpiresAt <= StartsAt || Version <= 0)
        {
            return null;
        }

        return new ElevationWindow(
            Id, kind, Subject, Template, Namespaces, EligibilityGroup, StartsAt, ExpiresAt, RevokedAt, Version);
    }
}
