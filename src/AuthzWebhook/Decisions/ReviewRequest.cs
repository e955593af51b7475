namespace AuthzWebhook.Decisions;

/// <summary>
/// What a SubjectAccessReview asks, independent of its wire version: who (user, uid, groups, extra)
/// and what (resource attributes or a non-resource path). Strings are never null.
/// </summary>
internal sealed class ReviewRequest
{
    public required string User { get; init; }

    public string Uid { get; init; } = string.Empty;

    public string[] Groups { get; init; } = [];

    public IReadOnlyDictionary<string, string[]> Extra { get; init; } = EmptyExtra;

    public required bool IsResourceRequest { get; init; }

    public required string Verb { get; init; }

    public string ApiGroup { get; init; } = string.Empty;

    public string ApiVersion { get; init; } = string.Empty;

    public string Resource { get; init; } = string.Empty;

    public string Subresource { get; init; } = string.Empty;

    public string Namespace { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>The non-resource URL path; empty for resource requests.</summary>
    public string Path { get; init; } = string.Empty;

    private static readonly Dictionary<string, string[]> EmptyExtra = [];
}
