using System.Text.RegularExpressions;
using AuthzWebhook.Decisions;
using AuthzWebhook.Identity;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Explain;

/// <summary>
/// Turns an <see cref="ExplainBody"/> into the review the API server would send for the caller: their Kubernetes
/// username and groups as the token maps them, plus <c>system:authenticated</c>, which the API server adds to every
/// authenticated user. Every field is checked as Kubernetes shapes it; each problem is named by its field.
/// </summary>
internal static partial class ExplainRequestReader
{
    public const string Authenticated = "system:authenticated";

    private const int MaxName = 253;
    private const int MaxPath = 1024;

    public static (ReviewRequest? Request, Dictionary<string, string[]> Errors) Read(ExplainBody body, CallerIdentity caller)
    {
        var errors = new Dictionary<string, string[]>();
        void Problem(string field, string message) => errors[field] = [message];

        var verb = body.Verb ?? string.Empty;
        if (!VerbPattern().IsMatch(verb))
        {
            Problem("verb", "is required: a Kubernetes verb such as get, list, create, delete (lower-case letters, or *)");
        }

        var path = body.Path;
        var resourceFields = new[] { body.ApiGroup, body.Resource, body.Subresource, body.Name, body.Namespace };
        if (path is not null)
        {
            if (resourceFields.Any(f => !string.IsNullOrEmpty(f)))
            {
                Problem("path", "names a non-resource request: send either path or resource (with api_group, subresource, name, namespace), not both");
            }
            else if (path.Length is 0 or > MaxPath || path[0] != '/' || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                Problem("path", $"must start with / and be at most {MaxPath} characters without spaces or control characters, e.g. /healthz or /metrics");
            }
        }
        else
        {
            Check(body.Resource, "resource", required: true, "a resource's plural name, e.g. pods or deployments", Problem);
            Check(body.ApiGroup, "api_group", required: false, "an API group, e.g. apps (empty for the core group)", Problem);
            Check(body.Subresource, "subresource", required: false, "a subresource, e.g. log or exec", Problem);
            if (!string.IsNullOrEmpty(body.Namespace) && !KubernetesNames.IsNamespaceName(body.Namespace))
            {
                Problem("namespace", "must be a namespace name (lower-case letters, digits and -, at most 63 characters)");
            }

            if (body.Name is { } name && (name.Length > MaxName || name.Any(char.IsControl)))
            {
                Problem("name", $"must be at most {MaxName} characters without control characters");
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var request = new ReviewRequest
        {
            User = caller.Username,
            Groups = AsApiServerSees(caller),
            IsResourceRequest = path is null,
            Verb = verb,
            ApiGroup = body.ApiGroup ?? string.Empty,
            Resource = body.Resource ?? string.Empty,
            Subresource = body.Subresource ?? string.Empty,
            Namespace = body.Namespace ?? string.Empty,
            Name = body.Name ?? string.Empty,
            Path = path ?? string.Empty,
        };
        return (request, errors);
    }

    /// <summary>The caller's groups as the API server sends them in a review: the token's, and <c>system:authenticated</c>.</summary>
    public static string[] AsApiServerSees(CallerIdentity caller) =>
        caller.Groups.Contains(Authenticated, StringComparer.Ordinal) ? caller.Groups : [.. caller.Groups, Authenticated];

    private static void Check(string? value, string field, bool required, string what, Action<string, string> problem)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                problem(field, $"is required for a resource request: {what}");
            }

            return;
        }

        if (value.Length > MaxName || !NamePattern().IsMatch(value))
        {
            problem(field, $"must be {what}: lower-case letters, digits, '.' and '-', at most {MaxName} characters");
        }
    }

    [GeneratedRegex("^(\\*|[a-z]{1,63})$", RegexOptions.CultureInvariant)]
    private static partial Regex VerbPattern();

    [GeneratedRegex("^(\\*|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
