using System.Globalization;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>
/// How one API server is wired to the webhook with the flags kube-apiserver 1.20 has: the authorizer order
/// (<c>--authorization-mode</c>), the SubjectAccessReview version and the answer caches.
/// </summary>
public sealed record Placement(string Name, string AuthorizationModes, string WebhookVersion, TimeSpan AuthorizedTtl, TimeSpan UnauthorizedTtl)
{
    /// <summary>The webhook before RBAC, v1: guardrails can deny what RBAC grants; every request is asked.</summary>
    public static Placement WebhookFirst { get; } = new("webhook-first", "Webhook,RBAC", "v1", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

    /// <summary>RBAC before the webhook, v1beta1 (the default of flag-configured API servers): asked only what RBAC refuses.</summary>
    public static Placement RbacFirst { get; } = new("rbac-first", "RBAC,Webhook", "v1beta1", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));

    public bool WebhookBeforeRbac => AuthorizationModes.StartsWith("Webhook", StringComparison.Ordinal);

    internal static string Seconds(TimeSpan value) => ((int)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    public override string ToString() => Name;
}
