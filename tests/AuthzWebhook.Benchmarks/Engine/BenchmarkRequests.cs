using System.Globalization;
using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>The reviews the engine benchmarks ask, derived from the generated windows so that each takes its intended path.</summary>
internal sealed class BenchmarkRequests(AccessPolicy policy, int windowCount)
{
    private static readonly string[] BaseGroups = [BenchmarkPolicy.SreGroup, "system:authenticated", BenchmarkWindows.SquadOfMeasuredUsers];

    /// <summary>Groups an OIDC user in a large organisation carries; none of them has windows.</summary>
    public static readonly string[] ManyGroups = [.. Enumerable.Range(0, 37).Select(i => string.Create(CultureInfo.InvariantCulture, $"oidc:org-unit-{i:D2}"))];

    /// <summary>A request that the first window of the measured user covers, built from its template's first rule.</summary>
    public ReviewRequest CoveredByWindow(string? extraGroup = null, string[]? moreGroups = null)
    {
        var userIndex = BenchmarkWindows.MeasuredUser(windowCount);
        var template = policy.TemplateList[userIndex % BenchmarkPolicy.TemplateCount];
        var rule = template.Rules[0];
        return new ReviewRequest
        {
            User = BenchmarkWindows.User(userIndex),
            Uid = "uid-measured",
            Groups = [.. BaseGroups, .. extraGroup is null ? [] : new[] { extraGroup }, .. moreGroups ?? []],
            IsResourceRequest = true,
            Verb = rule.Verbs[0],
            ApiGroup = rule.ApiGroups[0],
            ApiVersion = "v1",
            Resource = rule.Resources[0],
            Namespace = BenchmarkWindows.Namespace(userIndex),
            Name = rule.ResourceNames.Length > 0 ? rule.ResourceNames[0] : "api-7f9c5d-x2kq",
        };
    }

    /// <summary>A user with no window of their own, in a namespace none of their groups' windows cover.</summary>
    public static ReviewRequest WithoutWindow() => new()
    {
        User = "oidc:nobody@example.com",
        Uid = "uid-nobody",
        Groups = BaseGroups,
        IsResourceRequest = true,
        Verb = "get",
        ApiVersion = "v1",
        Resource = "pods",
        Subresource = "log",
        Namespace = "orders",
        Name = "api-7f9c5d-x2kq",
    };

    /// <summary>The measured user reading secrets in kube-system: the last guardrail denies.</summary>
    public ReviewRequest HitsGuardrail() => new()
    {
        User = BenchmarkWindows.User(BenchmarkWindows.MeasuredUser(windowCount)),
        Uid = "uid-measured",
        Groups = BaseGroups,
        IsResourceRequest = true,
        Verb = "get",
        ApiVersion = "v1",
        Resource = "secrets",
        Namespace = "kube-system",
        Name = "bootstrap-token-abcdef",
    };
}
