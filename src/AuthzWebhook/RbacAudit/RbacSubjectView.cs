using System.Text.Json.Serialization;

namespace AuthzWebhook.RbacAudit;

/// <summary>One subject of <see cref="RbacAuditView"/>; <c>user_name</c> is what a SubjectAccessReview carries for it.</summary>
internal sealed record RbacSubjectView(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("class")] string Class,
    [property: JsonPropertyName("class_reason")] string ClassReason,
    [property: JsonPropertyName("grants")] RbacGrantView[] Grants)
{
    public static RbacSubjectView From(RbacSubject subject, List<RbacGrant> grants, SuggestedPolicy policy) => new(
        subject.Kind,
        subject.Name,
        subject.Kind == RbacSubject.ServiceAccount ? subject.Namespace : null,
        subject.Kind == RbacSubject.Group ? null : subject.UserName,
        ClassName(grants[0].Class),
        grants[0].ClassReason,
        [.. grants.Select(g => RbacGrantView.From(g, policy.For(g)))]);

    public static string ClassName(SubjectClass value) => value switch
    {
        SubjectClass.Person => "person",
        SubjectClass.Team => "team",
        SubjectClass.Workload => "workload",
        SubjectClass.Everyone => "everyone",
        _ => "system",
    };
}
